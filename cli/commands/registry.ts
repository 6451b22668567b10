/**
 * `saksi registry import` and `saksi registry demo`: fill the election registry
 * (api/domains/registry, formats in its README) from CSV files or from the
 * demo-election generator. Each file is one transaction with its log entries; a
 * refused file prints its line-numbered problems and stores nothing. The command
 * then waits until the entries are integrated (becoming the sequencer if no
 * `saksi serve` is running) and prints the tree size, like `saksi ledger append`.
 * With DATABASE_URL it runs beside a live `saksi serve` on the same PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import {
  generateElection,
  type ImportResult,
  importAreasCsv,
  importCandidatesCsv,
  importDapilCsv,
  importPairsCsv,
  importPartiesCsv,
  loadElection,
  RegistryError,
} from '../../api/domains/registry/index.ts';
import { loadConfig, openRuntime } from '../../api/index.ts';
import {
  type CommandSpec,
  type FlagSpec,
  INTEGRATION_TIMEOUT_FLAG,
  type Io,
  int,
  ORIGIN_FLAG,
  parseCommand,
  str,
  UsageError,
} from '../args.ts';

/** Files are applied in this order, so that each finds what it refers to. */
const FILE_FLAGS = {
  areas: importAreasCsv,
  dapil: importDapilCsv,
  parties: importPartiesCsv,
  candidates: importCandidatesCsv,
  pairs: importPairsCsv,
} as const;

const DATA_FLAGS: readonly FlagSpec[] = [
  {
    name: 'data',
    type: 'string',
    value: 'DIR',
    description: 'data directory of the embedded database (default ./.saksi; DATABASE_URL wins)',
  },
  ORIGIN_FLAG,
  INTEGRATION_TIMEOUT_FLAG,
];

const csv = (name: keyof typeof FILE_FLAGS, what: string): FlagSpec => ({
  name,
  type: 'string',
  value: 'F',
  description: `${what} (formats in api/domains/registry/README.md)`,
});

export const REGISTRY_IMPORT: CommandSpec = {
  command: 'registry import',
  summary:
    'import registry CSV files in the order areas, dapil, parties, candidates, pairs; each file\natomically with its log entry; a refused file prints FILE:LINE: problem and stores nothing',
  flags: [
    csv('areas', 'areas: code,name,dpt'),
    csv('dapil', 'electoral districts and their areas'),
    csv('parties', 'parties'),
    csv('candidates', 'candidates'),
    csv('pairs', 'presidential pairs'),
    {
      name: 'reason',
      type: 'string',
      value: 'TEXT',
      description:
        "the reason recorded with a load that adds to a dataset (default 'further rows loaded')",
    },
    ...DATA_FLAGS,
  ],
};

export const REGISTRY_DEMO: CommandSpec = {
  command: 'registry demo',
  summary: 'load a generated demo election into an empty registry',
  flags: [
    {
      name: 'scale',
      type: 'string',
      value: 'province|national',
      description:
        'province: DKI Jakarta with the demo TPS (default); national: the 2024 shape (823,220 TPS)',
    },
    {
      name: 'seed',
      type: 'string',
      value: 'S',
      description: "the generator's seed (default 2024, the demo election's)",
    },
    ...DATA_FLAGS,
  ],
};

/** `saksi registry <import|demo> …`. */
export async function registryCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'import') return registryImportCommand(rest, io);
  if (sub === 'demo') return registryDemoCommand(rest, io);
  throw new UsageError(`unknown registry command ${JSON.stringify(sub ?? '')}`);
}

export async function registryImportCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(REGISTRY_IMPORT, argv, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const files = (Object.keys(FILE_FLAGS) as (keyof typeof FILE_FLAGS)[]).flatMap((k) => {
    const path = str(flags, k);
    return path === undefined ? [] : [{ kind: k, path, text: readFileSync(path, 'utf8') }];
  });
  if (files.length === 0)
    throw new UsageError(
      'registry import needs --areas, --dapil, --parties, --candidates or --pairs',
    );
  const reason = str(flags, 'reason');
  return withRuntime(flags, io, async (db) => {
    const results: ImportResult[] = [];
    for (const f of files) {
      try {
        results.push(await FILE_FLAGS[f.kind](db, f.text, undefined, reason ? { reason } : {}));
      } catch (e) {
        if (!(e instanceof RegistryError)) throw e;
        for (const i of e.issues) io.stderr(`${f.path}:${i.line ?? '-'}: ${i.message}`);
        io.stderr(`${f.path}: refused (${e.issues.length} problems); nothing of it was stored`);
        return { code: 1, results };
      }
    }
    return { code: 0, results };
  });
}

export async function registryDemoCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(REGISTRY_DEMO, argv, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const scale = str(flags, 'scale') ?? 'province';
  if (scale !== 'province' && scale !== 'national')
    throw new UsageError('--scale must be province or national');
  const seed = str(flags, 'seed') ?? '2024';
  const election = generateElection({ scale, seed });
  return withRuntime(flags, io, async (db) => ({
    code: 0,
    results: [await loadElection(db, election)],
  }));
}

/**
 * Opens the runtime, runs `fn`, then waits for its last entry to be integrated
 * and prints each dataset load and the tree size.
 */
async function withRuntime(
  flags: Record<string, string | true>,
  io: Io,
  fn: (
    db: Awaited<ReturnType<typeof openRuntime>>['db'],
  ) => Promise<{ code: number; results: ImportResult[] }>,
): Promise<number> {
  const timeoutMs = (int(flags, 'timeout') ?? 600) * 1000;
  const config = loadConfig({ dataDir: str(flags, 'data'), origin: str(flags, 'origin') });
  const rt = await openRuntime(config);
  const leader = new AbortController();
  try {
    const { code, results } = await fn(rt.db);
    for (const r of results)
      for (const l of r.loads)
        io.stderr(`registry.${l.dataset}: ${l.rows} rows, sha256 ${l.sha256}`);
    const last = results.flatMap((r) => r.pendingIds).at(-1);
    if (last !== undefined) {
      void rt.sequencer
        .acquire(500, leader.signal)
        .then(() => rt.sequencer.start((e) => io.stderr(`sequencer: ${String(e)}`)))
        .catch(() => undefined);
      await rt.store.waitIntegrated([last], timeoutMs, 50);
    }
    io.stdout(String((await rt.store.checkpoint())?.size ?? 0));
    return code;
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    for (const i of e.issues) io.stderr(`${i.line ?? '-'}: ${i.message}`);
    io.stderr(`saksi: ${e.code}: ${e.issues.length ? 'refused' : e.message}; nothing was stored`);
    return 1;
  } finally {
    leader.abort();
    await rt.close();
  }
}
