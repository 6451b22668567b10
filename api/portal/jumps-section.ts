/**
 * The "jumps in published totals" section of `/portal/anomali/{contest}[/{area}]`:
 * the rule of ./jumps.ts run over the recap history of the page's area and the
 * areas below it that hold TPS in the open-data CSV, whole levels while they fit
 * (./scope.ts), each jump shown with its line chart, its two log entries (links
 * to the log explorer) and a Verifikasi that checks both entries in the
 * reader's browser (portal/jump-evidence.ts). The section says which areas it
 * checked and links to the pages that check the ones below.
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
import { type JumpScope, levelName, scopePath } from './scope.ts';

/** History pages read per area at most (500 versions each). */
const MAX_HISTORY_PAGES = 20;
const RECAP_KIND = 'results.recap.computed';

interface HistoryPage {
  versions: RecapVersion[];
  next: number | null;
}

/** The portal's reader also says which histories it read only in part. */
export interface PortalJumpReader extends JumpReader {
  /** Nodes whose history has more than MAX_HISTORY_PAGES pages: the last version read. */
  cut: Map<string, number>;
}

/** The public routes the rule reads, through the portal's in-process client. */
export function portalJumpReader(data: PortalData): PortalJumpReader {
  const histories = new Map<string, Promise<RecapVersion[] | null>>();
  const cut = new Map<string, number>();
  return {
    cut,
    history(contest, node) {
      const key = `${contest}:${node}`;
      let h = histories.get(key);
      if (!h) {
        h = readHistory(data, contest, node, cut);
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
  cut: Map<string, number>,
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
  if (from !== null && out.length > 0) cut.set(node, out.at(-1)!.seq);
  return out;
}

export interface JumpsFound {
  jumps: Jump[];
  scope: JumpScope;
  histories: Map<string, RecapVersion[]>;
  /** Nodes whose history was read in part: the last version read. */
  cut: ReadonlyMap<string, number>;
}

/** The jumps of `contest` over the areas `scope` checks, decreases explained. */
export async function findJumps(
  reader: JumpReader & { cut?: ReadonlyMap<string, number> },
  contest: string,
  rows: readonly TpsRow[],
  scope: JumpScope,
): Promise<JumpsFound> {
  const found: Jump[] = [];
  const histories = new Map<string, RecapVersion[]>();
  for (const area of scope.levels.flat()) {
    const h = await reader.history(contest, area);
    if (!h) continue;
    histories.set(area, h);
    found.push(...stepJumps(area, h, tpsMedian(rows, area)));
  }
  const jumps = await explainDecreases(reader, contest, found);
  return { jumps, scope, histories, cut: reader.cut ?? new Map() };
}

const pct = (n: number) => `${n.toFixed(1)}%`;

export function jumpsSection(ctx: PageContext, contest: string, result: JumpsFound): Html {
  const { lang } = ctx;
  const { jumps, scope, histories } = result;
  const areas = scope.levels.flat().length;
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
${scopeStatement(ctx, contest, result)}
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

/** Which areas the section checked, which histories it read in part, and where the rest is checked. */
function scopeStatement(ctx: PageContext, contest: string, result: JumpsFound): Html {
  const { lang } = ctx;
  const { scope, cut } = result;
  const nation = t(lang, 'nation');
  const levels = scope.levels.map((codes, i) =>
    i === 0
      ? `${codes[0]} (${levelName(codes[0]!, nation)})`
      : `${fmt(lang, codes.length)} ${levelName(codes[0]!, nation)}`,
  );
  const rest = scope.continueAt.reduce((a, c) => a + c.below, 0);
  const area = t(lang, 'area').toLowerCase();
  return html`<p class="jumps-checked" data-areas="${scope.levels.flat().length}">${t(lang, 'jumpsChecked')}: ${levels.join(' · ')}.</p>
<details class="jumps-checked"><summary>${t(lang, 'jumpsCheckedList')}</summary><p><code>${scope.levels.flat().join(' ')}</code></p></details>
${
  scope.continueAt.length === 0
    ? html`<p class="jumps-complete">${t(lang, 'jumpsComplete')}</p>`
    : html`<p class="jumps-continue" data-areas="${rest}">${t(lang, 'jumpsNotChecked')}: ${fmt(lang, rest)} ${area} ${t(lang, 'jumpsContinue')}</p>
<ul class="jumps-continue">${scope.continueAt.map(
        (c) =>
          html`<li><a href="${href(lang, scopePath(contest, c.area))}">${c.area}</a> (${fmt(lang, c.below)} ${area})</li>`,
      )}</ul>`
}
${
  cut.size === 0
    ? ''
    : html`<p class="jumps-cut">${t(lang, 'jumpsHistoryCut')}: ${[...cut].map(([node, seq]) => `${node} v${seq}`).join(', ')}</p>`
}`;
}
