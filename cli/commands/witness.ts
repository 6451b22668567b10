/**
 * `saksi witness keygen` and `saksi witness serve` (issue #16, docs/witness.md):
 * what a party, Bawaslu or a university runs to be one of the log's witnesses
 * (C2SP tlog-witness). No database: the state is a few files under --data.
 */
import { resolve } from 'node:path';
import { cosignatureVerifierKeyOf } from '../../ledger/index.ts';
import { type Ed25519NoteVerifier, parseVerifierKey } from '../../ledger/verifier/index.ts';
import { generateWitnessKey, KeyFileError, loadWitnessKey } from '../../witness/keys.ts';
import { startWitnessServer } from '../../witness/server.ts';
import { StateError, WitnessStore } from '../../witness/state.ts';
import { Witness } from '../../witness/witness.ts';
import { type CommandSpec, type Io, int, list, parseCommand, str, UsageError } from '../args.ts';

export const WITNESS_KEYGEN: CommandSpec = {
  command: 'witness keygen',
  summary: "create a witness's Ed25519 key file and print its cosignature/v1 verifier key",
  flags: [
    {
      name: 'name',
      type: 'string',
      value: 'NAME',
      required: true,
      description:
        "the witness's name, a schema-less URL such as bawaslu.go.id/witness (C2SP\ntlog-cosignature)",
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'where to write the private key (mode 0600; an existing file is never replaced)',
    },
  ],
};

export const WITNESS_SERVE: CommandSpec = {
  command: 'witness serve',
  summary: "run a C2SP tlog-witness that cosigns the log's checkpoints while they only grow",
  flags: [
    {
      name: 'key',
      type: 'string',
      value: 'FILE',
      required: true,
      description: 'the key file written by saksi witness keygen',
    },
    {
      name: 'log-key',
      type: 'string',
      value: 'VKEY',
      required: true,
      repeatable: true,
      description:
        "a log's signed-note verifier key (its name is the log's origin); repeat for\nseveral logs or a log's new key after a hand-over",
    },
    {
      name: 'port',
      type: 'int',
      value: 'P',
      description: 'TCP port (default 8090; 0: any free port)',
    },
    {
      name: 'host',
      type: 'string',
      value: 'H',
      description: 'interface to listen on (default 127.0.0.1)',
    },
    {
      name: 'data',
      type: 'string',
      value: 'DIR',
      description:
        'where the latest cosigned checkpoint of each log and refused checkpoints\n(evidence) are kept (default ./.saksi-witness)',
    },
    {
      name: 'rate',
      type: 'int',
      value: 'N',
      description: 'add-checkpoint requests per second per client address (default 20)',
    },
  ],
  notes: `Exit codes: 0 stopped by SIGINT/SIGTERM; 1 could not start (a bad key or state
file, the data directory in use, the port in use); 2 usage error.`,
};

export async function witnessKeygenCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(WITNESS_KEYGEN, argv, io);
  if (!parsed) return 0;
  const out = resolve(str(parsed.flags, 'out')!);
  try {
    const vkey = generateWitnessKey(str(parsed.flags, 'name')!, out);
    io.stderr(`private key written to ${out}; keep it secret and backed up`);
    io.stdout(vkey);
    return 0;
  } catch (e) {
    if (e instanceof KeyFileError) throw new UsageError(e.message);
    throw e;
  }
}

export async function witnessServeCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(WITNESS_SERVE, argv, io);
  if (!parsed) return 0;
  const { flags } = parsed;
  const logKeys: Ed25519NoteVerifier[] = list(parsed, 'log-key').map((k) => {
    try {
      return parseVerifierKey(k);
    } catch (e) {
      throw new UsageError(`--log-key ${k}: ${(e as Error).message}`);
    }
  });
  const rate = int(flags, 'rate') ?? 20;
  if (rate < 1) throw new UsageError('--rate must be at least 1');
  const signer = loadWitnessKey(resolve(str(flags, 'key')!));
  const dataDir = resolve(str(flags, 'data') ?? '.saksi-witness');
  let store: WitnessStore;
  try {
    store = WitnessStore.open(dataDir);
  } catch (e) {
    if (e instanceof StateError) {
      io.stderr(`saksi witness: ${e.message}`);
      return 1;
    }
    throw e;
  }
  try {
    const witness = new Witness({ signer, logKeys, store });
    const verifierKey = cosignatureVerifierKeyOf(signer);
    const server = await startWitnessServer({
      witness,
      verifierKey,
      ratePerSecond: rate,
      host: str(flags, 'host') ?? '127.0.0.1',
      port: int(flags, 'port') ?? 8090,
    });
    io.stdout(`saksi witness listening on ${server.url}`);
    io.stdout(`witness verifier key: ${verifierKey}`);
    for (const k of logKeys)
      io.stdout(`log ${k.name}: cosigned up to size ${store.get(k.name)?.size ?? 0}`);
    io.stdout(`state: ${dataDir}`);
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await server.close();
    return 0;
  } catch (e) {
    if (e instanceof StateError || e instanceof KeyFileError) {
      io.stderr(`saksi witness: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    store.close();
  }
}
