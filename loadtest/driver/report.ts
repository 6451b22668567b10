/**
 * report.html: the readiness report of one run, one self-contained file (inline
 * SVG, no script, no external resource) that KPU IT can attach to a ticket —
 * the summary, every threshold passed or failed, latency and throughput over
 * time, per request type figures and the log's checks.
 */
import type { Results } from './run.ts';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A line chart of `series` (each a list of y per second), 640×180. */
export function lineChart(
  title: string,
  unit: string,
  series: { name: string; ys: number[] }[],
): string {
  const W = 640;
  const H = 180;
  const pad = 36;
  const n = Math.max(1, ...series.map((s) => s.ys.length));
  const max = Math.max(1, ...series.flatMap((s) => s.ys));
  const x = (i: number) => pad + (i * (W - 2 * pad)) / Math.max(1, n - 1);
  const y = (v: number) => H - pad + 8 - (v * (H - 2 * pad)) / max;
  const colours = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#57606a'];
  const lines = series
    .map(
      (s, k) =>
        `<polyline fill="none" stroke="${colours[k % colours.length]}" stroke-width="1.5" points="${s.ys
          .map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`)
          .join(' ')}"><title>${esc(s.name)}</title></polyline>`,
    )
    .join('');
  const legend = series
    .map(
      (s, k) =>
        `<text x="${pad + k * 110}" y="14" font-size="11" fill="${colours[k % colours.length]}">${esc(s.name)}</text>`,
    )
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">
<line x1="${pad}" y1="${H - pad + 8}" x2="${W - pad}" y2="${H - pad + 8}" stroke="#8c959f"/><line x1="${pad}" y1="${pad - 8}" x2="${pad}" y2="${H - pad + 8}" stroke="#8c959f"/>
<text x="2" y="${pad - 2}" font-size="10">${esc(Math.round(max))} ${esc(unit)}</text><text x="${W - pad - 30}" y="${H - 4}" font-size="10">${n} s</text>${legend}${lines}</svg></figure>`;
}

export function reportHtml(r: Results, extra = ''): string {
  const ok = r.summary.thresholdsPassed;
  const rows = Object.entries(r.types)
    .map(
      ([t, f]) =>
        `<tr><td>${esc(t)}</td><td>${f.count}</td><td>${f.errors}</td><td>${f.p50}</td><td>${f.p95}</td><td>${f.p99}</td><td>${(f.count / Math.max(1, r.durationS)).toFixed(1)}</td></tr>`,
    )
    .join('');
  const thresholds = r.thresholds
    .map(
      (t) =>
        `<tr class="${t.passed ? 'pass' : 'fail'}"><td>${t.passed ? '✓' : '✗'}</td><td><code>${esc(t.name)}</code></td><td>${esc(Math.round(t.actual * 1000) / 1000)}</td></tr>`,
    )
    .join('');
  const timeline = r.timeline;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Saksi readiness report — ${esc(r.scenario)}</title>
<style>body{font:14px system-ui,sans-serif;max-width:760px;margin:2em auto;color:#1f2328}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.pass td:first-child{color:#1a7f37}.fail{background:#ffebe9}.verdict{font-size:1.3em;font-weight:600;color:${ok ? '#1a7f37' : '#d1242f'}}figure{margin:1em 0}figcaption{font-weight:600}</style></head>
<body><h1>Readiness report: <code>${esc(r.scenario)}</code></h1>
<p class="verdict">${ok ? 'PASSED: every threshold held, no write lost, the log verified' : 'FAILED: see the thresholds marked ✗'}</p>
<p>${esc(r.url)} · ${esc(r.startedAt)} · ${r.durationS} s · ${esc(r.model)} model (${r.model === 'open' ? `${r.rate} requests/s offered, at most ${r.vus} in flight` : `${r.vus} users`}) · ${r.chains} form chains</p>
<table><tr><th>requests</th><th>errors</th><th>lost writes</th><th>p99 ms</th><th>missed arrivals</th></tr>
<tr><td>${r.summary.requests}</td><td>${r.summary.errors}</td><td>${r.summary.lostWrites}</td><td>${r.summary.p99ms}</td><td>${r.skipped}</td></tr></table>
<h2>Thresholds</h2><table><tr><th></th><th>threshold</th><th>measured</th></tr>${thresholds}</table>
<h2>Over time</h2>
${lineChart('Latency (ms) per second', 'ms', [
  { name: 'p50', ys: timeline.map((s) => s.p50) },
  { name: 'p99', ys: timeline.map((s) => s.p99) },
])}
${lineChart(
  'Throughput (requests/s) per request type',
  'req/s',
  Object.entries(r.types).map(([t, f]) => ({ name: t, ys: f.throughput })),
)}
<h2>Per request type</h2><table><tr><th>type</th><th>count</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>req/s</th></tr>${rows}</table>
<h2>The log</h2><p>${r.log.checkpoints} checkpoints polled during the run, ${r.log.consistencyChecks} consistency proofs verified; size ${r.log.firstSize} → ${r.log.lastSize}; the whole log verified from its tiles ${r.log.verifications} time(s); ${r.log.inclusionChecks} receipts proven through <code>/v1/proofs/inclusion</code>.</p>
${r.log.failures.length ? `<ul>${r.log.failures.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : ''}
${chaosHtml(r)}
${r.sampleErrors.length ? `<h2>First errors</h2><ul>${r.sampleErrors.map((e) => `<li><code>${esc(e)}</code></li>`).join('')}</ul>` : ''}
${sideBySideHtml(r)}
${capacitySection(r)}
${extra}
</body></html>
`;
}

function capacitySection(r: Results): string {
  if (r.calibration.length === 0)
    return '<h2>Capacity model</h2><p>Not measured in this run: give <code>--server-pid</code> (and <code>--database</code> for PostgreSQL) to calibrate CPU per operation.</p>';
  const ms = (s: number) => (s * 1000).toFixed(3);
  const cal = r.calibration
    .map(
      (c) =>
        `<tr><td>${esc(c.operation)}</td><td>${c.requests}</td><td>${ms(c.cpuPerRequest.api)}</td><td>${ms(c.cpuPerRequest.recap)}</td><td>${ms(c.cpuPerRequest.postgres)}</td></tr>`,
    )
    .join('');
  const cap = r.capacity
    .map(
      (s) =>
        `<tr><td>${esc(s.stage)}</td><td>${s.cores.api}</td><td>${s.apiNodes}</td><td>${s.cores.recap}</td><td>${s.cores.postgres}</td><td style="text-align:left">${esc(s.why)}</td></tr>`,
    )
    .join('');
  return `<h2>Capacity model</h2>
<p>CPU per request, each operation alone (ms of CPU):</p>
<table><tr><th>operation</th><th>requests</th><th>API</th><th>recap publisher</th><th>PostgreSQL</th></tr>${cal}</table>
<p>Cores at 60 % utilisation for each stage's peak (API nodes of 4 cores, at least 2):</p>
<table><tr><th>stage</th><th>API cores</th><th>API nodes</th><th>recap cores</th><th>PostgreSQL cores</th><th>peak</th></tr>${cap}</table>`;
}

/** With --chaos: each SIGKILL, whether its process was replaced, and the resends it caused. */
function chaosHtml(r: Results): string {
  if (!r.chaos) return '';
  const rows = r.chaos.kills
    .map(
      (k) =>
        `<tr><td>${k.atS} s</td><td>${esc(k.target)}</td><td>${k.pid || '—'}</td><td>${k.replaced ? '✓ replaced' : '✗ not replaced'}</td><td>${esc(k.note ?? '')}</td></tr>`,
    )
    .join('');
  return `<h2>Chaos</h2><p>${r.chaos.kills.length} processes killed (SIGKILL) during the load; ${r.chaos.resends} requests sent again (same Idempotency-Key) because no answer came.</p>
<table><tr><th>at</th><th>killed</th><th>pid</th><th></th><th></th></tr>${rows}</table>`;
}

/** With --baseline: Saksi's ledgered write beside the plain Hono + pg write, driven the same way. */
function sideBySideHtml(r: Results): string {
  const sb = r.sideBySide;
  if (!sb) return '';
  const cpu = (f: typeof sb.plain, g: 'api' | 'recap' | 'postgres' | 'total') =>
    f.cpuMsPerWrite ? f.cpuMsPerWrite[g].toFixed(3) : '—';
  const row = (name: string, f: typeof sb.plain) =>
    `<tr><td>${esc(name)}</td><td>${f.requests}</td><td>${f.errors}</td><td>${f.rate}</td><td>${f.p50}</td><td>${f.p95}</td><td>${f.p99}</td><td>${cpu(f, 'api')}</td><td>${cpu(f, 'recap')}</td><td>${cpu(f, 'postgres')}</td><td>${cpu(f, 'total')}</td></tr>`;
  const shape =
    sb.shape.model === 'open'
      ? `open model, ${sb.shape.rate}/s after a ${sb.shape.rampS} s ramp, at most ${sb.shape.vus} in flight`
      : `closed model, ${sb.shape.vus} users`;
  return `<h2>Side by side: ledgered write vs a plain write</h2>
<p>After the load, each alone for ${sb.shape.durationS} s, ${esc(shape)}. <b>Ledgered</b>: ${esc(sb.ledgered.what)}. <b>Plain</b>: ${esc(sb.plain.what)}. CPU in ms per accepted write; “API” is the baseline process on the plain row.</p>
<table><tr><th></th><th>writes sent</th><th>errors</th><th>writes/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>API</th><th>recap</th><th>PostgreSQL</th><th>total</th></tr>
${row('ledgered (Saksi)', sb.ledgered)}${row('plain (Hono + pg)', sb.plain)}</table>
<p>Ledgered ÷ plain: rate <b>${sb.ratio.rate}</b>, writes per core <b>${sb.ratio.writesPerCore ?? '— (give --server-pid)'}</b>, p99 ${sb.ratio.p99}. The aim (issue #14): 2.</p>`;
}
