/**
 * A benchmark's figures: percentiles of sorted samples, a figure beside its
 * target with a verdict, the results table, and the results files in
 * bench-results/ (a failure makes the exit code 1).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A target a benchmark figure is held to. */
export interface Target {
  cmp: '>=' | '<=';
  value: number;
}

/** PASS or FALL SHORT against the figure's target; empty for context figures. */
export function verdict(f: { value: number; target?: Target | undefined }): string {
  if (!f.target) return '';
  const ok = f.target.cmp === '>=' ? f.value >= f.target.value : f.value <= f.target.value;
  return ok ? 'PASS' : 'FALL SHORT';
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The points of a latency summary each benchmark reports, in table order. */
export function latencyPoints(l: { p50: number; p95: number; p99: number; max: number }) {
  return [
    ['p50', l.p50],
    ['p95', l.p95],
    ['p99', l.p99],
    ['max', l.max],
  ] as const;
}

/** p50/p95/p99/max/mean of latencies already sorted ascending (ms). */
export function latencySummary(sorted: ArrayLike<number>) {
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sum / Math.max(1, sorted.length),
  };
}

export interface Figure {
  step: string;
  /** The store measured, for benchmarks that run on both (a column of its own). */
  db?: 'postgres' | 'pglite' | '-';
  what: string;
  value: number;
  unit: string;
  target?: Target;
  note?: string;
}

/** How a benchmark prints a value with its unit. */
export type Format = (v: number, unit: string) => string;

export function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return String(v);
  const digits = v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}`.trim();
}
/**
 * Writes bench-results/<name>.json (machine, targets, figures with verdicts, the
 * rest of `data`, failures) and <name>.md; a failure makes the exit code 1.
 */
export function writeBenchResults(
  root: string,
  name: string,
  md: string,
  report: { machine: unknown; targets: unknown; figures: Figure[]; failures: string[] },
  data: Record<string, unknown>,
): void {
  const outDir = join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const { machine, targets, figures, failures } = report;
  const json = {
    machine,
    targets,
    figures: figures.map((f) => ({ ...f, verdict: verdict(f) || undefined })),
    ...data,
    failures,
  };
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(outDir, `${name}.md`), md);
  console.log(`wrote ${join(outDir, `${name}.json`)} and ${name}.md`);
  if (failures.length) process.exitCode = 1;
}

/** The figures of a run, each printed as it is recorded. */
export function figureLog(format: Format = fmt): {
  figures: Figure[];
  record: (f: Figure) => void;
} {
  const figures: Figure[] = [];
  return {
    figures,
    record(f) {
      figures.push(f);
      console.log(`  ${row(f, format).join('  ')}`);
    },
  };
}

/** A figure's cells: step, the store (if it names one), figure, measured, target, verdict, notes. */
export function row(f: Figure, format: Format = fmt): string[] {
  return [
    f.step,
    ...(f.db === undefined ? [] : [f.db]),
    f.what,
    format(f.value, f.unit),
    f.target ? `${f.target.cmp === '>=' ? '≥' : '≤'} ${format(f.target.value, f.unit)}` : '',
    verdict(f),
    f.note ?? '',
  ];
}

/** The results table; a `db` column when the figures name their store. */
export function table(rows: Figure[], format: Format = fmt): string {
  const db = rows.some((f) => f.db !== undefined);
  const head = ['step', ...(db ? ['db'] : []), 'figure', 'measured', 'target', 'verdict', 'notes'];
  return [head, head.map(() => '---'), ...rows.map((f) => row(f, format))]
    .map((r) => `| ${r.join(' | ')} |`)
    .join('\n');
}
