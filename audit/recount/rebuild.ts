/**
 * Control 3's recount: every area's totals rebuilt from the forms in the log
 * alone — TPS → desa/kelurahan → kecamatan → kab/kota → provinsi → nation, per
 * contest — and compared with the latest recap the log publishes for that area.
 * The database's recap tables are not read (control 2 ties them to the entries).
 *
 * The arithmetic is the observer's (ledger/verifier/results/recap.ts): a form's
 * recap votes (`recapVotes`: a party's number is its total), accepted forms
 * summed and flagged ones only counted, and an area keeps the choices
 * `keepsChoice` allows — candidate rows only inside one dapil, as the published
 * recap declares it (`dapil`). Area codes carry the hierarchy (nodes.ts
 * `parentOfArea`), so no registry is needed.
 */
import {
  compareChoice,
  keepsChoice,
  parentOfArea,
  type RecapTotals,
  recapVotes,
} from '../../ledger/verifier/results/index.ts';
import type { Finding } from '../types.ts';
import type { PublishedRecap, ResultsInLog } from './in-log.ts';

/** Findings of one code beyond this many are counted, not listed. */
export const MAX_LISTED = 20;

/** An area's figures rebuilt from the forms: the same fields a recap payload states. */
export type Recomputed = Pick<RecapTotals, 'valid' | 'invalid' | 'votes' | 'tps'>;

export interface RecountStats {
  contests: number;
  tpsCounted: number;
  areasRecomputed: number;
  areasCompared: number;
  areasDiffering: number;
  /** Findings beyond MAX_LISTED per code, not listed. */
  notListed: Record<string, number>;
}

const LEVEL_BY_LENGTH: Record<number, string> = {
  2: 'provinsi',
  4: 'kab/kota',
  6: 'kecamatan',
  10: 'desa/kelurahan',
};
const levelOf = (area: string): string =>
  area === 'ID' ? 'nation' : (LEVEL_BY_LENGTH[area.length] ?? 'area');

/** Deepest first, then by code: the first differing area is where a difference starts. */
const depth = (area: string): number => (area === 'ID' ? 0 : area.length);

export function recount(log: ResultsInLog, findings: Finding[]): RecountStats {
  const stats: RecountStats = {
    contests: 0,
    tpsCounted: 0,
    areasRecomputed: 0,
    areasCompared: 0,
    areasDiffering: 0,
    notListed: {},
  };
  const found: Finding[] = [];
  const contests = new Set([...log.counted.keys(), ...log.recaps.keys()]);
  for (const contest of [...contests].sort()) {
    stats.contests++;
    const sums = sumUpward(contest, log);
    stats.tpsCounted += log.counted.get(contest)?.size ?? 0;
    stats.areasRecomputed += sums.size;
    const published = log.recaps.get(contest) ?? new Map<string, PublishedRecap>();
    const areas = [...new Set([...sums.keys(), ...published.keys()])].sort(
      (a, b) => depth(b) - depth(a) || (a < b ? -1 : 1),
    );
    for (const area of areas) {
      const mine = sums.get(area);
      const theirs = published.get(area);
      const record = `recap:${contest}:${area}`;
      const name = `${levelOf(area)} ${area}`;
      if (!theirs) {
        stats.areasDiffering++;
        found.push({
          code: 'RECAP_NOT_PUBLISHED',
          record,
          message: `${contest}, ${name}: ${mine!.tps.accepted + mine!.tps.flagged} counted TPS forms in the log, but no recap of the area is published`,
        });
        continue;
      }
      stats.areasCompared++;
      const want = expected(contest, area, theirs, mine);
      const diffs = differences(want, theirs);
      if (diffs.length === 0) continue;
      stats.areasDiffering++;
      found.push({
        code: 'RECAP_DIFFERS',
        record,
        message: `${contest}, ${name}: the published recap (version ${theirs.seq}, log entry ${theirs.index}) differs from the forms in the log: ${diffs.join('; ')}`,
      });
    }
    // Each TPS's latest counted version must be the one its recap lists.
    const listed = new Map<string, { node: string; seq: number }>();
    for (const [node, l] of log.listings.get(contest) ?? [])
      for (const [tps, seq] of l.tps) listed.set(tps, { node, seq });
    for (const [tps, form] of log.counted.get(contest) ?? []) {
      const l = listed.get(tps);
      if (l && l.seq !== form.seq)
        found.push({
          code: 'RECAP_COUNTS_OLD_VERSION',
          record: `chasil:${contest}:${tps}`,
          message: `the published recap ${l.node} lists version ${l.seq}, the log's latest counted version is ${form.seq}`,
        });
    }
  }
  const perCode: Record<string, number> = {};
  for (const f of found) {
    perCode[f.code] = (perCode[f.code] ?? 0) + 1;
    if (perCode[f.code]! <= MAX_LISTED) findings.push(f);
    else stats.notListed[f.code] = (stats.notListed[f.code] ?? 0) + 1;
  }
  return stats;
}

/** Every area's figures from its TPS forms: accepted ones summed, flagged ones counted. */
export function sumUpward(contest: string, log: ResultsInLog): Map<string, Recomputed> {
  const sums = new Map<string, Recomputed>();
  for (const [tps, form] of log.counted.get(contest) ?? []) {
    const votes = form.status === 'accepted' ? recapVotes(contest, form.votes) : null;
    for (let area = parentOfArea(tps); area !== null; area = parentOfArea(area)) {
      let s = sums.get(area);
      if (!s) {
        s = { valid: 0, invalid: 0, votes: {}, tps: { accepted: 0, flagged: 0 } };
        sums.set(area, s);
      }
      if (!votes) {
        s.tps.flagged++;
        continue;
      }
      s.tps.accepted++;
      s.valid += form.valid;
      s.invalid += form.invalid;
      for (const id in votes) s.votes[id] = (s.votes[id] ?? 0) + votes[id]!;
    }
  }
  return sums;
}

/** What the area's recap must say: the recomputed figures with the choices it keeps. */
function expected(
  contest: string,
  area: string,
  published: PublishedRecap,
  mine: Recomputed | undefined,
): Recomputed {
  const within = area !== 'ID' && published.dapil !== null;
  const votes: Record<string, number> = {};
  for (const [id, n] of Object.entries(mine?.votes ?? {}))
    if (n > 0 && keepsChoice(contest, id, within)) votes[id] = n;
  return {
    valid: mine?.valid ?? 0,
    invalid: mine?.invalid ?? 0,
    votes,
    tps: mine?.tps ?? { accepted: 0, flagged: 0 },
  };
}

function differences(want: Recomputed, got: PublishedRecap): string[] {
  const out: string[] = [];
  const field = (what: string, a: number, b: number) => {
    if (a !== b) out.push(`${what} published ${b}, recomputed ${a}`);
  };
  field('valid', want.valid, got.valid);
  field('invalid', want.invalid, got.invalid);
  field('TPS accepted', want.tps.accepted, got.tps.accepted);
  field('TPS flagged', want.tps.flagged, got.tps.flagged);
  const ids = [...new Set([...Object.keys(want.votes), ...Object.keys(got.votes)])]
    .filter((id) => (want.votes[id] ?? 0) !== (got.votes[id] ?? 0))
    .sort(compareChoice);
  for (const id of ids.slice(0, 5))
    out.push(`votes for ${id} published ${got.votes[id] ?? 0}, recomputed ${want.votes[id] ?? 0}`);
  if (ids.length > 5) out.push(`and ${ids.length - 5} more choices`);
  return out;
}
