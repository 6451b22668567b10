/**
 * The self-check (issue #11, like cekdptonline): a person gives NIK and name and
 * receives their TPS, their record version's opening (salt and the digest of
 * the fields not asked for) and the log entry with its inclusion proof, which
 * `ledger/verifier/voters` checks against the log key.
 *
 * Against enumeration: a POST (the NIK never sits in a URL or an access log),
 * rate-limited per client address, and "not found" costs what "found" costs —
 * the same index lookup, the same key unwrapping and decryptions (of a stand-in
 * record sealed at start), the same name comparison and the same log reads —
 * so its answer time does not tell a registered NIK from an unregistered one.
 * A wrong name answers exactly as an unknown NIK does.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { base64, canonicalize } from '../../../ledger/index.ts';
import { normalizeName } from '../../../ledger/verifier/voters/index.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import { ERROR_SCHEMA, registerRoute, validate } from '../../schemas.ts';
import { openOpening, openPersonal, sealPersonal } from './crypto.ts';
import { newVoterSubject, sealVersion } from './record.ts';
import type { VoterDeps } from './routes.ts';
import { SELF_CHECK_SCHEMA, type SelfCheckRequest, type VoterPersonal } from './schemas.ts';
import { selfCheckRow } from './store.ts';

const STAND_IN: VoterPersonal = {
  nik: '0000000000000000',
  kk: '0000000000000000',
  name: 'STAND-IN RECORD',
  birthPlace: '-',
  birthDate: '1970-01-01',
  sex: 'L',
  marital: 'B',
  address: '-',
  disability: 'none',
  ektp: true,
};

const nameDigest = (name: string) => createHash('sha256').update(normalizeName(name)).digest();

export function selfCheckRoute(app: Hono<{ Variables: AppVariables }>, deps: VoterDeps): void {
  const { db, keys, writes } = deps;
  // A stand-in record, sealed like a real one, for the "not found" path's work.
  const standIn = (async () => {
    const subject = newVoterSubject();
    const { dek, sealed, kekLabel } = await keys.newDek(subject);
    const personal = sealPersonal(dek, subject, canonicalize(STAND_IN));
    const v = sealVersion(dek, STAND_IN, {
      subject,
      seq: 1,
      tps: '0000000000000',
      list: 'DPS',
      formA: null,
    });
    return { subject, seq: 1, kek_label: kekLabel, dek: sealed, personal, opening: v.opening };
  })();
  standIn.catch(() => undefined);

  registerRoute({
    method: 'post',
    path: '/v1/voters/self-check',
    operationId: 'selfCheckVoter',
    summary:
      'A person checks their own registration: TPS, the opening of their record and its inclusion proof',
    tags: ['voters'],
    security: 'public',
    requestBody: SELF_CHECK_SCHEMA,
    responses: {
      '200': { description: '{found: false} or the record with its opening and proof' },
      '400': { description: 'malformed request', schema: ERROR_SCHEMA },
      '429': { description: 'too many checks from this address', schema: ERROR_SCHEMA },
    },
  });
  app.post('/v1/voters/self-check', async (c) => {
    const ip = clientIp(c.env) ?? 'unknown';
    const wait = deps.selfCheckLimit.take(`self-check:${ip}`);
    if (wait > 0)
      throw new ApiError(429, 'RATE_LIMITED', 'too many self-checks; slow down', {
        'Retry-After': String(wait),
      });
    const req = validate<SelfCheckRequest>(SELF_CHECK_SCHEMA, await readJsonBody(c));
    const row = await selfCheckRow(db, await keys.nikMac(req.nik));
    const usable =
      row !== null && row.dek !== null && row.personal !== null && row.opening !== null;
    const r = usable ? row : await standIn;
    const dek = await keys.openDek(r.subject, r.kek_label, r.dek!);
    const personal = JSON.parse(openPersonal(dek, r.subject, r.personal!)) as VoterPersonal;
    const opening = JSON.parse(openOpening(dek, r.subject, r.seq, r.opening!)) as {
      salt: string;
      details: string;
    };
    dek.fill(0);
    const nameMatches = timingSafeEqual(nameDigest(personal.name), nameDigest(req.name));
    const found = usable && nameMatches;

    // The same log reads either way: the entry's index, the checkpoint, a proof and an entry.
    const pendingId = found ? Number(row!.pending_id) : -1;
    const index = (await writes.store.indexesOf([pendingId])).get(pendingId);
    const cp = await writes.store.checkpoint();
    const at = index ?? 0;
    const proven = cp !== null && cp.size > at;
    const [path, entry] = proven
      ? await Promise.all([writes.store.inclusionProof(at, cp.size), writes.store.entry(at)])
      : [[], null];
    if (!found) return c.json({ found: false });
    if (index === undefined || !proven || !entry)
      throw new ApiError(503, 'NOT_YET_INTEGRATED', 'your record is not in a checkpoint yet', {
        'Retry-After': '1',
      });
    return c.json({
      found: true,
      removed: row!.removed,
      tps: row!.tps,
      list: row!.list,
      subject: row!.subject,
      seq: row!.seq,
      opening: { salt: opening.salt, details: opening.details },
      proof: {
        index,
        treeSize: cp.size,
        checkpoint: cp.note,
        entry: new TextDecoder().decode(entry.entry),
        inclusionProof: path.map(base64),
      },
    });
  });
}

function clientIp(env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
    ?.socket?.remoteAddress;
}
