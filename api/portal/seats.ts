/**
 * `/portal/kursi/{contest}`: seats per dapil with the Sainte-Laguë trace (UU
 * 7/2017 Art. 415: divisors 1, 3, 5, …; the DPR threshold of Art. 414 on
 * national party votes), and for PPWP the presidential rule (UUD 1945 Art.
 * 6A(3): more than half the votes and at least 20% in more than half the
 * provinces). Computed by the pure rules of api/domains/results/determination
 * from the published totals, on what is counted so far — a preview that
 * changes as TPS report, never an official determination.
 */
import { html } from 'hono/html';
import {
  DeterminationError,
  dprEligibleParties,
  formatTrace,
  type PartyVotes,
  presidentialResult,
  sainteLague,
} from '../domains/results/determination/index.ts';
import type { AreaResults, PortalData } from './data.ts';
import { fmt, href, t } from './i18n.ts';
import { type Html, type PageContext, page } from './layout.ts';

interface Dapil {
  id: string;
  name: string;
  seats: number;
  areas: string[];
}

/** Party totals (keys without a dot: candidates' votes are inside their party's). */
const partyVotes = (votes: Record<string, number>): PartyVotes[] =>
  Object.entries(votes)
    .filter(([k]) => !k.includes('.'))
    .map(([party, v]) => ({ party, votes: v, ballotNumber: Number(party) }));

export async function seatsPage(
  ctx: PageContext,
  data: PortalData,
  contest: string,
): Promise<{ status: 200 | 404; body: Html }> {
  const { lang } = ctx;
  const title = `${contest === 'PPWP' ? t(lang, 'presidentRule') : t(lang, 'seats')} · ${contest}`;
  const nation = await data.json<AreaResults>(`/v1/results/${contest}/areas/ID`);
  if (!nation.ok)
    return {
      status: 404,
      body: page(ctx, title, html`<p class="empty">${t(lang, 'noResults')}</p>`),
    };
  if (contest === 'PPWP')
    return { status: 200, body: page(ctx, title, president(ctx, nation.body)) };
  const dapils = await data.json<{ dapil: Dapil[] }>(`/v1/contests/${contest}/dapil`);
  const list = dapils.ok ? dapils.body.dapil : [];
  // The DPR threshold is on national votes; DPRD seats have none (MK 116/PUU-XXI/2023 aside).
  const eligible =
    contest === 'DPR'
      ? new Set(
          dprEligibleParties(partyVotes(nation.body.votes))
            .parties.filter((p) => p.eligible)
            .map((p) => p.party),
        )
      : null;
  const blocks: Html[] = [];
  for (const d of list) {
    const sum: Record<string, number> = {};
    let counted = 0;
    for (const a of d.areas) {
      const r = await data.json<AreaResults>(`/v1/results/${contest}/areas/${a}`);
      if (!r.ok) continue;
      counted++;
      for (const [k, v] of Object.entries(r.body.votes)) sum[k] = (sum[k] ?? 0) + v;
    }
    const parties = partyVotes(sum).filter(
      (p) => p.votes > 0 && (!eligible || eligible.has(p.party)),
    );
    if (parties.length === 0) {
      blocks.push(html`<h2>${d.name}</h2><p class="empty">${t(lang, 'noResults')}</p>`);
      continue;
    }
    const trace = sainteLague(parties, d.seats);
    blocks.push(html`<h2>${d.name} · ${d.seats} ${t(lang, 'seatsWon')}</h2>
<p><small>${counted} / ${d.areas.length} ${t(lang, 'area')}</small></p>
<table class="seats"><thead><tr><th>${t(lang, 'party')}</th><th>${t(lang, 'votes')}</th><th>${t(lang, 'seatsWon')}</th></tr></thead><tbody>
${trace.allocation.map((a) => html`<tr><td>${a.party}</td><td class="num">${fmt(lang, a.votes)}</td><td class="num">${a.seats}</td></tr>`)}
</tbody></table>
<details><summary>${t(lang, 'trace')}</summary><ol class="trace">${formatTrace(trace).map((l) => html`<li>${l}</li>`)}</ol></details>`);
  }
  const note = eligible
    ? html`<p>${t(lang, 'threshold')}: 4% (${[...eligible].join(', ') || t(lang, 'none')})</p>`
    : '';
  return { status: 200, body: page(ctx, title, html`${note}${blocks}`) };
}

function president(ctx: PageContext, nation: AreaResults): Html {
  const { lang } = ctx;
  // Every province of the registry (those still waiting with no votes yet), so
  // the spread rule counts against all of them, as Art. 6A(3) does.
  const provinces = nation.children;
  const counted = provinces.filter((c) => c.status !== 'waiting');
  const pairs = Object.entries(nation.votes).map(([pair, votes]) => ({
    pair,
    votes,
    ballotNumber: Number(pair),
  }));
  let r: ReturnType<typeof presidentialResult>;
  try {
    r = presidentialResult(
      pairs,
      provinces.map((p) => ({
        province: p.code,
        votes: pairs.map(({ pair }) => ({ pair, votes: p.votes?.[pair] ?? 0 })),
      })),
      { provinceCount: provinces.length },
    );
  } catch (e) {
    if (!(e instanceof DeterminationError)) throw e;
    return html`<p class="empty">${e.code}: ${e.message}</p>`;
  }
  return html`<p>${r.outcome === 'elected' ? `elected: ${r.winner} (${r.rule})` : `runoff: ${r.finalists.join(' vs ')} (${r.reason})`}</p>
<p><small>${counted.length} / ${r.provinceCount} provinsi; ${r.provincesRequired} required</small></p>
<table class="standings"><thead><tr><th>${t(lang, 'choice')}</th><th>${t(lang, 'votes')}</th><th>${t(lang, 'share')}</th><th>&gt; 50%</th><th>≥ 20% (provinsi)</th></tr></thead><tbody>
${r.standings.map((s) => html`<tr><td>${s.pair}</td><td class="num">${fmt(lang, s.votes)}</td><td class="num">${s.sharePct}%</td><td>${s.majority ? '✓' : '✗'}</td><td class="num">${s.provincesAtLeast20} ${s.spreadMet ? '✓' : '✗'}</td></tr>`)}
</tbody></table>
<p><a href="${href(lang, '/portal/hasil/PPWP/ID')}">${t(lang, 'results')}</a></p>`;
}
