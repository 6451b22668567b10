/**
 * Flag reading shared by the benchmarks: `--name value`, `--quick` for a smaller
 * smoke run, and positive numbers (underscores allowed: 1_000_000).
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
