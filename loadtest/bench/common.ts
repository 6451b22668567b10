/**
 * Shared by the benchmarks: flag reading (`--name value`; `--quick` for a smaller
 * smoke run; positive numbers, underscores allowed: 1_000_000), the clock and a
 * pool of concurrent tasks. The rest lives in files named for what they hold:
 * figures.ts (percentiles, verdicts, the results table and files), http-conn.ts
 * (a raw keep-alive HTTP connection), processes.ts (child processes and their CPU
 * from /proc), postgres.ts (scratch databases, backends, pg_stat_activity),
 * receipts.ts (the lost-receipt check, through LogReader), profiles.ts (the CPU
 * profile summariser).
 */
import { performance } from 'node:perf_hooks';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();
export function benchArgs(argv: readonly string[]) {
  const quick = argv.includes('--quick');
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  /** `full` normally, `small` with --quick, or the flag's value. */
  const num = (name: string, full: number, small: number): number => {
    const v = get(name);
    // Defaults may be 0 (e.g. --rate: as fast as answered); a given value must be positive.
    if (v === undefined) return quick ? small : full;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number`);
    return n;
  };
  return { quick, get, num };
}

export async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}
