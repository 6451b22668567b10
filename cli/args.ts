/**
 * A small, strict flag parser for the `saksi` command: `--name value` or
 * `--name=value`, boolean flags declared up front, unknown flags refused.
 *
 * Each command declares its flags once (a CommandSpec: name, type, value
 * placeholder, description); parsing, `--help` and the top-level usage text are
 * all read from that declaration, so a flag cannot be accepted without being
 * documented, or documented without being accepted.
 */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positional: string[];
  /** Every value of each repeatable flag, in order (its last one is also in `flags`). */
  lists?: Record<string, string[]>;
}

export interface FlagSpec {
  /** Without the leading dashes. */
  name: string;
  /** `boolean` takes no value; `int` a non-negative integer; `string` anything. */
  type: 'string' | 'int' | 'boolean';
  /** The value's placeholder in usage texts, e.g. `URL`, `N|all` (not for booleans). */
  value?: string;
  required?: boolean;
  /** May be given more than once (read with `list()`). */
  repeatable?: boolean;
  /** What it does; may span lines (each is indented under the flag in --help). */
  description: string;
}

export interface CommandSpec {
  /** The words after `saksi`, e.g. `demo seed`. */
  command: string;
  /** One or two lines for the list of commands. */
  summary: string;
  flags: readonly FlagSpec[];
  /** A paragraph after the flags in --help. */
  notes?: string;
}

/** `--origin`, the same for every command that opens the log. */
export const ORIGIN_FLAG: FlagSpec = {
  name: 'origin',
  type: 'string',
  value: 'NAME',
  description: "the log's origin (default saksi.localhost/log or SAKSI_LOG_ORIGIN)",
};

/** `--timeout`, the same for every command that waits for the log to integrate its entries. */
export const INTEGRATION_TIMEOUT_FLAG: FlagSpec = {
  name: 'timeout',
  type: 'int',
  value: 'S',
  description: 'longest wait, in seconds, for the log to integrate the entries (default 600)',
};

/** Every command answers `--help`; it is not declared again in each spec. */
const HELP_FLAG: FlagSpec = { name: 'help', type: 'boolean', description: 'print this help' };

/**
 * Parses `argv` against a command's declared flags. Returns null after printing
 * the command's help for `--help` (the caller exits 0). Positional arguments are
 * refused: no command takes any.
 */
export function parseCommand(
  spec: CommandSpec,
  argv: readonly string[],
  io: Io,
): ParsedArgs | null {
  const flags = [...spec.flags, HELP_FLAG];
  const parsed = parseArgs(argv, {
    values: flags.filter((f) => f.type !== 'boolean').map((f) => f.name),
    booleans: flags.filter((f) => f.type === 'boolean').map((f) => f.name),
    repeatables: flags.filter((f) => f.repeatable).map((f) => f.name),
  });
  if (parsed.flags.help === true) {
    io.stdout(commandHelp(spec));
    return null;
  }
  if (parsed.positional.length > 0)
    throw new UsageError(`unexpected argument ${parsed.positional[0]}`);
  for (const f of spec.flags) {
    if (f.required && parsed.flags[f.name] === undefined)
      throw new UsageError(`--${f.name} is required`);
    if (f.type === 'int') int(parsed.flags, f.name);
  }
  return parsed;
}

/** `demo seed --url URL [--tps N|all] …`: the command with every flag. */
export function synopsis(spec: CommandSpec): string {
  const flag = (f: FlagSpec) => {
    const s = f.type === 'boolean' ? `--${f.name}` : `--${f.name} ${f.value ?? 'VALUE'}`;
    return `${f.required ? s : `[${s}]`}${f.repeatable ? '…' : ''}`;
  };
  return [spec.command, ...spec.flags.map(flag)].join(' ');
}

/** The text of `saksi <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  const rows = [...spec.flags, HELP_FLAG].map((f) => ({
    left: f.type === 'boolean' ? `--${f.name}` : `--${f.name} ${f.value ?? 'VALUE'}`,
    lines: f.description.split('\n'),
  }));
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  const body = rows
    .map((r) =>
      r.lines.map((l, i) => `  ${(i === 0 ? r.left : '').padEnd(width)}${l}`.trimEnd()).join('\n'),
    )
    .join('\n');
  return `usage: saksi ${synopsis(spec)}\n\n${spec.summary}\n\n${body}\n${spec.notes ? `\n${spec.notes.trimEnd()}\n` : ''}`;
}

/**
 * The parser underneath parseCommand. Commands declare a CommandSpec instead;
 * this stays for callers that list their flags by hand.
 */
export function parseArgs(
  argv: readonly string[],
  spec: { values: string[]; booleans?: string[]; repeatables?: string[] },
): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  const lists: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.booleans?.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
    } else if (spec.values.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq < 0 && v.startsWith('--')))
        throw new UsageError(`--${name} needs a value`);
      if (spec.repeatables?.includes(name)) lists[name] = [...(lists[name] ?? []), v];
      flags[name] = v;
    } else {
      throw new UsageError(`unknown flag --${name}`);
    }
  }
  return { flags, positional, lists };
}

/** Every value of a repeatable flag (none: an empty list). */
export function list(parsed: ParsedArgs, name: string): string[] {
  return parsed.lists?.[name] ?? [];
}

export function str(flags: ParsedArgs['flags'], name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function int(flags: ParsedArgs['flags'], name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(v);
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}
