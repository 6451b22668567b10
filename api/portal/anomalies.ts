/**
 * `/portal/anomali/{contest}` (the nation) and `/portal/anomali/{contest}/{area}`
 * (DOMAIN.md application 12, in part): what an observer should look at first,
 * each row linking to its evidence (the TPS page: photo, versions, log
 * entries). Computed from the open-data CSV at TPS level
 * (`/v1/results/{contest}/export.csv?level=tps&area={area}`), the TPS inside the page's
 * area only (./scope.ts), and the published voter counts, exactly what any
 * observer can recompute:
 *   - forms that fail arithmetic (flagged by the checks of ledger/verifier/results);
 *   - turnout over 100%: ballots cast (valid + invalid) above the voters the
 *     register's published count (`/v1/voters/counts/{tps}`) holds there;
 *   - outliers against neighbouring TPS: a choice's share at a TPS more than
 *     OUTLIER_POINTS percentage points from the median of the other TPS of
 *     the same kelurahan/desa (at least 3 of them);
 *   - jumps in published totals: steps between consecutive versions of an
 *     area's recap out of proportion to the TPS they newly include, or totals
 *     that fall with no correction explaining them (./jumps.ts, ./jumps-section.ts).
 */
import { html } from 'hono/html';
import { dotStrip } from './charts.ts';
import type { PortalData } from './data.ts';
import { href, t } from './i18n.ts';
import { findJumps, jumpsSection, portalJumpReader } from './jumps-section.ts';
import { type Html, type PageContext, page } from './layout.ts';
import { inArea, jumpScope, levelName, scopePath } from './scope.ts';

export const OUTLIER_POINTS = 25;
/** Register counts are read for at most this many TPS per page (one read each). */
const MAX_TURNOUT_READS = 200;

export interface TpsRow {
  tps: string;
  desa: string;
  status: string;
  valid: number;
  invalid: number;
  votes: Record<string, number>;
}

/**
 * The TPS rows of the open-data CSV (area_code,tps,choice,votes,status,entry_index,entry_hash):
 * at level `tps` the export gives the desa as area_code and the TPS's 3-digit
 * number as tps (api/domains/results/read/export.ts); a full 13-digit code is
 * read as well.
 */
export function parseTpsCsv(csv: string): TpsRow[] {
  const rows = new Map<string, TpsRow>();
  for (const line of csv.split('\n').slice(1)) {
    const [area, number, choice, votes, status] = line.split(',');
    const tps =
      number && /^[0-9]{13}$/.test(number)
        ? number
        : area && number && /^[0-9]{10}$/.test(area) && /^[0-9]{3}$/.test(number)
          ? area + number
          : undefined;
    if (!tps || !choice || votes === undefined) continue;
    let r = rows.get(tps);
    if (!r) {
      r = {
        tps,
        desa: area ?? tps.slice(0, 10),
        status: status ?? '',
        valid: 0,
        invalid: 0,
        votes: {},
      };
      rows.set(tps, r);
    }
    const n = Number(votes);
    if (choice === 'valid') r.valid = n;
    else if (choice === 'invalid') r.invalid = n;
    else r.votes[choice] = n;
  }
  return [...rows.values()];
}

export interface Outlier {
  tps: string;
  choice: string;
  share: number;
  median: number;
  desaShares: { tps: string; share: number }[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Pure: the outliers among accepted TPS rows, by desa and choice. */
export function outliers(rows: readonly TpsRow[]): Outlier[] {
  const byDesa = new Map<string, TpsRow[]>();
  for (const r of rows)
    if (r.status === 'accepted' && r.valid > 0)
      byDesa.set(r.desa, [...(byDesa.get(r.desa) ?? []), r]);
  const out: Outlier[] = [];
  for (const group of byDesa.values()) {
    if (group.length < 4) continue; // the TPS and at least 3 neighbours
    const choices = new Set(group.flatMap((r) => Object.keys(r.votes)));
    for (const ch of choices) {
      const shares = group.map((r) => ({
        tps: r.tps,
        share: (100 * (r.votes[ch] ?? 0)) / r.valid,
      }));
      for (const s of shares) {
        const m = median(shares.filter((o) => o.tps !== s.tps).map((o) => o.share));
        if (Math.abs(s.share - m) > OUTLIER_POINTS)
          out.push({ tps: s.tps, choice: ch, share: s.share, median: m, desaShares: shares });
      }
    }
  }
  return out;
}

export async function anomaliesPage(
  ctx: PageContext,
  data: PortalData,
  contest: string,
  area = 'ID',
): Promise<{ status: 200 | 404; body: Html }> {
  const { lang } = ctx;
  let name = t(lang, 'nation');
  if (area !== 'ID') {
    const info = await data.json<{ name: string }>(`/v1/areas/${area}`);
    if (!info.ok) return { status: 404, body: page(ctx, t(lang, 'notFound'), html``) };
    name = info.body.name;
  }
  // The area's own rows (the export's `area`), not the nation's filtered here.
  const csvPath = `/v1/results/${contest}/export.csv?level=tps${area === 'ID' ? '' : `&area=${area}`}`;
  const csv = await data.text(csvPath);
  const all = csv.ok ? parseTpsCsv(csv.body) : [];
  const rows = all.filter((r) => inArea(area, r.tps));
  const flagged = rows.filter((r) => r.status === 'flagged');
  const turnout: { row: TpsRow; registered: number }[] = [];
  const read = rows.slice(0, MAX_TURNOUT_READS);
  for (const r of read) {
    const c = await data.json<{ count: { total: number } }>(`/v1/voters/counts/${r.tps}`);
    if (c.ok && typeof c.body.count?.total === 'number' && r.valid + r.invalid > c.body.count.total)
      turnout.push({ row: r, registered: c.body.count.total });
  }
  const odd = outliers(rows);
  const scope = jumpScope(all, area);
  const jumps = await findJumps(portalJumpReader(data), contest, all, scope);
  const link = (tps: string) =>
    html`<a href="${href(lang, `/portal/hasil/${contest}/${tps}`)}">TPS ${tps}</a>`;
  const none = html`<p>${t(lang, 'nothingFound')}</p>`;
  const wider = ['ID', ...[2, 4, 6].filter((n) => n < area.length).map((n) => area.slice(0, n))];
  const body = html`<p class="scope" data-area="${area}">${t(lang, 'scope')}: <strong>${area === 'ID' ? name : `${name} (${levelName(area, '')} ${area})`}</strong> — ${t(lang, 'scopeRows')}
${area === 'ID' ? '' : html`<br><small>${t(lang, 'scopeWider')}: ${wider.map((a, i) => html`${i > 0 ? ' › ' : ''}<a href="${href(lang, scopePath(contest, a))}">${a}</a>`)} · <a href="${href(lang, `/portal/hasil/${contest}/${area}`)}">${t(lang, 'results')} ${area}</a></small>`}</p>
<p><small>${rows.length} TPS · CSV <a href="${csvPath}">${csvPath.slice(csvPath.lastIndexOf('/') + 1)}</a></small></p>
<h2>${t(lang, 'turnoverOver')}</h2>
${turnout.length === 0 ? none : html`<ul class="anomalies turnout">${turnout.map((x) => html`<li>${link(x.row.tps)}: ${x.row.valid + x.row.invalid} / ${x.registered} (${t(lang, 'evidence')})</li>`)}</ul>`}
${read.length < rows.length ? turnoutCut(ctx, contest, area, rows, read) : ''}
<h2>${t(lang, 'arithmetic')}</h2>
${flagged.length === 0 ? none : html`<ul class="anomalies arithmetic">${flagged.map((r) => html`<li>${link(r.tps)} — ${t(lang, 'flagged')}</li>`)}</ul>`}
<h2>${t(lang, 'outliers')}</h2>
${
  odd.length === 0
    ? none
    : html`<ul class="anomalies outliers">${odd.map(
        (o) =>
          html`<li>${link(o.tps)}: ${o.choice} ${o.share.toFixed(1)}% (median ${o.median.toFixed(1)}%)${dotStrip(
            `${o.choice} ${o.tps.slice(0, 10)}`,
            o.desaShares.map((s) => ({
              label: `${s.tps} ${s.share.toFixed(1)}%`,
              value: s.share,
              mark: s.tps === o.tps,
            })),
            0,
            100,
          )}</li>`,
      )}</ul>`
}
${jumpsSection(ctx, contest, jumps)}`;
  const title = `${t(lang, 'anomalies')} · ${contest}${area === 'ID' ? '' : ` · ${name}`}`;
  return { status: 200, body: page(ctx, title, body) };
}

/**
 * The register counts were read for the first TPS of the scope only: which
 * ones, and the pages of the areas just below whose TPS were not all read.
 */
function turnoutCut(
  ctx: PageContext,
  contest: string,
  area: string,
  rows: readonly TpsRow[],
  read: readonly TpsRow[],
): Html {
  const { lang } = ctx;
  const len = area === 'ID' ? 2 : [4, 6, 10].find((n) => n > area.length);
  const last = read.at(-1)!.tps;
  const rest = len
    ? [...new Set(rows.filter((r) => r.tps > last).map((r) => r.tps.slice(0, len)))]
    : [];
  return html`<p class="turnout-cut">${t(lang, 'turnoutCut')}: ${read.length} / ${rows.length} TPS (${read[0]!.tps}–${last}). ${t(lang, 'turnoutContinue')}: ${rest.map((a) => html`<a href="${href(lang, scopePath(contest, a))}">${a}</a> `)}</p>`;
}
