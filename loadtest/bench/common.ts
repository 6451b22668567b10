/**
 * Shared by the benchmarks: flag reading (`--name value`; `--quick` for a smaller
 * smoke run; positive numbers, underscores allowed: 1_000_000) and verdicts.
 */
export function benchArgs(argv: readonly string[]) {
  const quick = argv.includes('--quick');
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  /** `full` normally, `small` with --quick, or the flag's value. */
  const num = (name: string, full: number, small: number): number => {
    const v = get(name);
    const n = v === undefined ? (quick ? small : full) : Number(v.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number`);
    return n;
  };
  return { quick, get, num };
}

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
