/**
 * The "jumps in published totals" section of `/portal/anomali/{contest}`: the
 * rule of ./jumps.ts run over the recap history of every area that has TPS in
 * the open-data CSV (nation first, then down the levels, at most
 * MAX_JUMP_AREAS areas), each jump shown with its line chart, its two log
 * entries (links to the log explorer) and a Verifikasi that checks both
 * entries in the reader's browser (portal/jump-evidence.ts).
 */
import { html } from 'hono/html';
import type { TpsRow } from './anomalies.ts';
import { lineChart } from './charts.ts';
import type { PortalData, Read } from './data.ts';
import { fmt, href, t } from './i18n.ts';
import {
  explainDecreases,
  JUMP_FACTOR,
  type Jump,
  type JumpReader,
  type RecapListing,
  type RecapVersion,
  stepJumps,
  tpsMedian,
} from './jumps.ts';
import type { Html, PageContext } from './layout.ts';

/** Areas whose history one page reads at most (one read each, more for long histories). */
export const MAX_JUMP_AREAS = 300;
/** History pages read per area at most (500 versions each). */
const MAX_HISTORY_PAGES = 20;
const RECAP_KIND = 'results.recap.computed';

interface HistoryPage {
  versions: RecapVersion[];
  next: number | null;
}

/** The areas above TPS level that hold the CSV's TPS, the nation first, then each level down. */
export function areasOf(rows: readonly TpsRow[]): string[] {
  if (rows.length === 0) return [];
  const out = ['ID'];
  for (const len of [2, 4, 6, 10])
    out.push(...[...new Set(rows.map((r) => r.tps.slice(0, len)))].sort());
  return out;
}

/** The public routes the rule reads, through the portal's in-process client. */
export function portalJumpReader(data: PortalData): JumpReader {
  const histories = new Map<string, Promise<RecapVersion[] | null>>();
  return {
    history(contest, node) {
      const key = `${contest}:${node}`;
      let h = histories.get(key);
      if (!h) {
        h = readHistory(data, contest, node);
        histories.set(key, h);
      }
      return h;
    },
    async recapEntry(index, node, seq) {
      const r = await data.json<{
        entry?: { kind?: string; subject?: string; seq?: number; payload?: RecapListing };
      }>(`/v1/ledger/entries/${index}`);
      const e = r.ok ? r.body.entry : undefined;
      if (!e || e.kind !== RECAP_KIND || e.seq !== seq || !e.payload) return null;
      if (!e.subject?.startsWith('recap:') || e.subject.split(':').slice(2).join(':') !== node)
        return null;
      return e.payload;
    },
    async isCorrection(contest, tps, seq) {
      const r = await data.json<{
        versions: { seq: number; stage: string; reason: string | null }[];
      }>(`/v1/results/${contest}/tps/${tps}`);
      const v = r.ok ? r.body.versions.find((x) => x.seq === seq) : undefined;
      return v?.stage === 'corrected' && !!v.reason;
    },
  };
}

async function readHistory(
  data: PortalData,
  contest: string,
  node: string,
): Promise<RecapVersion[] | null> {
  const slash = node.indexOf('/');
  const area = slash < 0 ? node : node.slice(0, slash);
  const out: RecapVersion[] = [];
  let from: number | null = 1;
  for (let page = 0; from !== null && page < MAX_HISTORY_PAGES; page++) {
    const q: string = [from > 1 ? `from=${from}` : '', area !== node ? `node=${node}` : '']
      .filter(Boolean)
      .join('&');
    const r: Read<HistoryPage> = await data.json<HistoryPage>(
      `/v1/results/${contest}/history/${area}${q ? `?${q}` : ''}`,
    );
    if (!r.ok) return out.length > 0 ? out : null;
    out.push(...r.body.versions);
    from = r.body.next;
  }
  return out;
}

/** The jumps of `contest` over the areas of `rows`, decreases explained. */
export async function findJumps(
  data: PortalData,
  contest: string,
  rows: readonly TpsRow[],
): Promise<{ jumps: Jump[]; areas: number; histories: Map<string, RecapVersion[]> }> {
  const reader = portalJumpReader(data);
  const areas = areasOf(rows).slice(0, MAX_JUMP_AREAS);
  const found: Jump[] = [];
  const histories = new Map<string, RecapVersion[]>();
  for (const area of areas) {
    const h = await reader.history(contest, area);
    if (!h) continue;
    histories.set(area, h);
    found.push(...stepJumps(area, h, tpsMedian(rows, area)));
  }
  return { jumps: await explainDecreases(reader, contest, found), areas: areas.length, histories };
}

const pct = (n: number) => `${n.toFixed(1)}%`;

export function jumpsSection(
  ctx: PageContext,
  contest: string,
  result: { jumps: Jump[]; areas: number; histories: Map<string, RecapVersion[]> },
): Html {
  const { lang } = ctx;
  const { jumps, areas, histories } = result;
  const n = (x: number) => fmt(lang, x);
  const reason = (j: Jump, r: Jump['reasons'][number]) => {
    const what = r.key === 'valid' ? t(lang, 'valid') : `${t(lang, 'choice')} ${r.key}`;
    switch (r.kind) {
      case 'votes':
        return html`<li class="votes">${what}: ${n(r.from)} → ${n(r.to)} (+${n(r.to - r.from)}; > ${n(Math.round(r.limit))} = ${JUMP_FACTOR} ${t(lang, 'jumpVotesLimit')} ${Math.max(j.newTps, 1)} TPS)</li>`;
      case 'share':
        return html`<li class="share">${what}: ${pct(r.from)} → ${pct(r.to)} (${t(lang, 'jumpShareLimit')} ${r.limit.toFixed(1)})</li>`;
      default:
        return html`<li class="decrease">${what}: ${n(r.from)} → ${n(r.to)} — ${t(lang, 'jumpUnexplained')}<ul>${(r.why ?? []).map((w) => html`<li>${w}</li>`)}</ul></li>`;
    }
  };
  const entryLink = (v: RecapVersion) =>
    v.index === null
      ? html`v${v.seq}`
      : html`<a class="entry" href="${href(lang, `/portal/log?entry=${v.index}`)}">v${v.seq} #${v.index}</a>`;
  const expect = (v: RecapVersion) => ({
    index: v.index,
    seq: v.seq,
    expect: { valid: v.valid, invalid: v.invalid, votes: v.votes, tps: v.tps },
  });
  const chart = (j: Jump) => {
    const key = j.reasons[0]!.key;
    const value = (v: RecapVersion) => (key === 'valid' ? v.valid : (v.votes[key] ?? 0));
    const h = histories.get(j.node) ?? [j.prev, j.next];
    return lineChart(
      `${j.node} ${key}`,
      h.map((v) => ({
        label: `v${v.seq}: ${n(value(v))}`,
        value: value(v),
        mark: v.seq === j.next.seq,
      })),
    );
  };
  const areaOf = (node: string) => node.split('/')[0]!;
  const none = html`<p>${t(lang, 'nothingFound')}</p>`;
  return html`<h2>${t(lang, 'jumps')}</h2>
<p class="jumps-scope"><small>${t(lang, 'jumpsRule')} (${areas} ${t(lang, 'area').toLowerCase()})</small></p>
${
  jumps.length === 0
    ? none
    : html`<ul class="anomalies jumps">${jumps.map(
        (
          j,
        ) => html`<li class="jump" data-node="${j.node}" data-from="${j.prev.seq}" data-to="${j.next.seq}"><a href="${href(lang, `/portal/hasil/${contest}/${areaOf(j.node)}`)}">${j.node}</a>: ${entryLink(j.prev)} → ${entryLink(j.next)}, ${j.newTps >= 0 ? '+' : ''}${j.newTps} TPS
<ul>${j.reasons.map((r) => reason(j, r))}</ul>
${chart(j)}
<section class="verify verify-jump" data-contest="${contest}" data-node="${j.node}" data-entries="${JSON.stringify([expect(j.prev), expect(j.next)])}">
<button type="button" class="verify-button">${t(lang, 'verify')}</button> <small>${t(lang, 'jumpVerifyHint')}</small>
<ol class="steps"></ol>
</section></li>`,
      )}</ul>`
}`;
}
