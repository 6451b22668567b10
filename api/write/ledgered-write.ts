/**
 * The one write path every domain uses (ARCHITECTURE.md "The write path"):
 *
 *   validate → authorise → device signature → domain rules →
 *   ONE transaction (shared by concurrent requests, each atomic on its own):
 *     domain rows + subject version + pending log entry → 201 receipt
 *
 * A domain declares a WriteDefinition (schemas, policy action and resource, pure
 * rules, the rows to write) and gets authentication, validation, authorisation,
 * signing and ledgering the same way everywhere. Nothing reaches a domain table
 * without its log entry in the same transaction, because `apply` only ever runs
 * inside the job that also inserts the entry.
 */
import { createHash } from 'node:crypto';
import {
  base64,
  canonicalBytes,
  type Db,
  type EntryActor,
  type JsonObject,
  type LedgerStore,
  type Sql,
} from '../../ledger/index.ts';
import type { OfficerPrincipal, Principal } from '../auth/principal.ts';
import { ApiError, badRequest } from '../errors.ts';
import { publicText } from '../public-text.ts';
import { type JsonSchema, validate } from '../schemas.ts';
import type { Authorizer, PolicyResource } from './authorizer.ts';
import { submissionMessage, verifyDeviceSignature } from './device-signature.ts';
import { type GroupCommitOptions, GroupCommitter } from './group-commit.ts';
import {
  type BatchReceipt,
  type ConstraintError,
  type DomainRow,
  IdempotentReplay,
  type LedgerJob,
  type PendingEntry,
  writeBatch,
} from './write-batch.ts';

/** A domain rule that failed: returned as a value, answered as 422. */
export interface Violation {
  rule: string;
  message: string;
}

export interface WriteContext<P> {
  payload: P;
  subject: string;
  seq: number;
  /** The submission's reason (required of corrections). */
  reason: string | undefined;
  principal: OfficerPrincipal;
  /** The entry's leaf hash (what the receipt and the log carry). */
  entryHash: Uint8Array;
  pendingId: number;
}

export interface WriteDefinition<P extends JsonObject> {
  /** Entry kind, `domain.entity.event`. */
  kind: string;
  /** Policy action (policies/). */
  action: string;
  /** Schema of `payload`; must refuse unknown fields. */
  payloadSchema: JsonSchema;
  /** The policy resource this write touches (e.g. the TPS area). */
  resource(payload: P, principal: OfficerPrincipal): PolicyResource;
  /** Extra policy context (e.g. {self: true}). */
  context?(payload: P, principal: OfficerPrincipal): Record<string, boolean | string | number>;
  /** True when the submission must carry the officer's device signature. */
  deviceSigned: boolean;
  /** Checks the subject belongs to this payload (e.g. `incident:<tps>:<n>`). */
  subjectMatches(subject: string, payload: P): boolean;
  /** Pure domain rules; each violation makes a 422 and nothing is stored. */
  rules?(payload: P, seq: number): Violation[];
  /**
   * Domain rows, inserted in the shared transaction with one statement per table
   * for the whole batch (write-batch.ts). Prefer this to `apply`.
   */
  rows?(w: WriteContext<P>): DomainRow[];
  /** Imperative domain work (updates, lookups) in the shared transaction. */
  apply?(tx: Sql, w: WriteContext<P>): Promise<void>;
  /** For seq > 1: the kinds the previous version may have (else 409 BAD_TRANSITION). */
  after?: readonly string[];
  /** Named constraints of the domain rows whose violation is the request's fault. */
  constraints?: Readonly<Record<string, ConstraintError>>;
}

export interface DeviceRegistry {
  /** The officer a non-revoked device belongs to, or null. */
  ownerOf(publicKey: Uint8Array): Promise<string | null>;
}

export type WriteCommitter = GroupCommitter<LedgerJob, Receipt>;

export interface WriteServices {
  committer: WriteCommitter;
  store: LedgerStore;
  authorizer: Authorizer;
  devices: DeviceRegistry;
  /** Wakes an in-process sequencer so receipts integrate sooner. */
  poke?: () => void;
  /** Every authorisation decision, for the decision log and metrics. */
  onDecision?: (d: {
    principal: string;
    action: string;
    resource: PolicyResource;
    allowed: boolean;
    policies: string[];
  }) => void;
}

export type Receipt = BatchReceipt;

export interface IntegratedReceipt extends Receipt {
  index: number;
  checkpoint: string;
  treeSize: number;
  inclusionProof: string[];
}

/** The request body every ledgered write takes; `payload` is the domain's. */
export function submissionSchema(payloadSchema: JsonSchema, deviceSigned: boolean): JsonSchema {
  const b64 = (n: number) => ({
    type: 'string',
    minLength: Math.ceil(n / 3) * 4,
    maxLength: Math.ceil(n / 3) * 4,
    pattern: '^[A-Za-z0-9+/]*={0,2}$',
  });
  return {
    type: 'object',
    additionalProperties: false,
    required: ['subject', 'seq', 'payload', ...(deviceSigned ? ['device'] : [])],
    properties: {
      subject: { type: 'string', minLength: 1, maxLength: 256 },
      seq: { type: 'integer', minimum: 1, maximum: 1_000_000 },
      payload: payloadSchema,
      reason: publicText({ minLength: 1, maxLength: 1000 }),
      ...(deviceSigned
        ? {
            device: {
              type: 'object',
              additionalProperties: false,
              required: ['key', 'sig'],
              properties: { key: b64(32), sig: b64(64) },
            },
          }
        : {}),
    },
  };
}

interface Submission<P> {
  subject: string;
  seq: number;
  payload: P;
  reason?: string;
  device?: { key: string; sig: string };
}

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,128}$/;

export async function performWrite<P extends JsonObject>(
  svc: WriteServices,
  def: WriteDefinition<P>,
  schema: JsonSchema,
  principal: Principal,
  body: unknown,
  opts: {
    idempotencyKey?: string | undefined;
    /**
     * The request's digest, when the submission is not the request itself (the
     * voter register builds a fresh salt's commitment per request, so the
     * client's body is what a retry repeats: api/domains/voters/idempotency.ts).
     */
    requestHash?: Uint8Array | undefined;
  } = {},
): Promise<Receipt> {
  if (principal.kind !== 'officer')
    throw new ApiError(401, 'UNAUTHENTICATED', 'this write needs an officer token', {
      'WWW-Authenticate': 'Bearer',
    });
  const sub = validate<Submission<P>>(schema, body);
  if (!def.subjectMatches(sub.subject, sub.payload))
    throw badRequest(
      'SUBJECT_MISMATCH',
      `subject ${JSON.stringify(sub.subject)} does not belong to this payload`,
    );
  if (sub.seq > 1 && sub.reason === undefined)
    throw new ApiError(
      422,
      'REASON_REQUIRED',
      `version ${sub.seq} of ${def.kind} must give a reason`,
    );

  const resource = def.resource(sub.payload, principal);
  const decision = svc.authorizer.authorize(
    principal,
    def.action,
    resource,
    def.context?.(sub.payload, principal),
  );
  svc.onDecision?.({ principal: principal.id, action: def.action, resource, ...decision });
  if (!decision.allowed)
    throw new ApiError(
      403,
      'FORBIDDEN',
      `${principal.role} ${principal.id} may not ${def.action} here`,
    );
  // Right after authorisation, before the rules: a domain whose rules answer a
  // replay themselves (the voter register's 409s) still answers a bad key 400.
  const idem = opts.idempotencyKey;
  if (idem !== undefined && !IDEMPOTENCY_KEY.test(idem))
    throw badRequest('BAD_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–128 of A-Z a-z 0-9 _ -');

  let actor: EntryActor = { id: principal.id, role: principal.role };
  if (def.deviceSigned) {
    const key = Buffer.from(sub.device!.key, 'base64');
    const sig = Buffer.from(sub.device!.sig, 'base64');
    const owner = await svc.devices.ownerOf(key);
    if (owner !== principal.id)
      throw new ApiError(
        403,
        'DEVICE_NOT_ENROLLED',
        'this device is not enrolled to the signed-in officer',
      );
    const message = submissionMessage({
      kind: def.kind,
      subject: sub.subject,
      seq: sub.seq,
      payload: sub.payload,
      reason: sub.reason,
    });
    if (!verifyDeviceSignature(key, message, sig))
      throw new ApiError(403, 'BAD_SIGNATURE', 'the device signature does not verify');
    actor = { ...actor, key: sub.device!.key, sig: sub.device!.sig };
  }

  const violations = def.rules?.(sub.payload, sub.seq) ?? [];
  if (violations.length > 0)
    throw new ApiError(
      422,
      'RULE_VIOLATION',
      violations.map((v) => `${v.rule}: ${v.message}`).join('; '),
    );

  // Only a request that may be retried needs its hash (validate() has already
  // refused strings that RFC 8785 could not encode).
  const requestHash =
    idem === undefined
      ? undefined
      : (opts.requestHash ??
        createHash('sha256')
          .update(canonicalBytes(body as JsonObject))
          .digest());
  if (idem !== undefined) {
    const first = await previousReceipt(svc, principal.id, idem, requestHash!);
    if (first) return first;
  }

  const context = (e: PendingEntry): WriteContext<P> => ({
    payload: sub.payload,
    subject: sub.subject,
    seq: sub.seq,
    reason: sub.reason,
    principal,
    entryHash: e.entryHash,
    pendingId: e.pendingId,
  });
  // The subject log (ledger/subject-log) completes the entry: prev, at, v.
  const job: LedgerJob = {
    draft: {
      kind: def.kind,
      subject: sub.subject,
      seq: sub.seq,
      actor,
      payload: sub.payload,
      reason: sub.reason,
      after: def.after,
    },
    ...(def.constraints ? { constraints: def.constraints } : {}),
    ...(def.rows ? { rows: (e: PendingEntry) => def.rows!(context(e)) } : {}),
    ...(def.apply ? { apply: (tx: Sql, e: PendingEntry) => def.apply!(tx, context(e)) } : {}),
    ...(idem === undefined
      ? {}
      : { idempotency: { principal: principal.id, key: idem, requestHash: requestHash! } }),
  };
  try {
    const receipt = await svc.committer.submit(job);
    svc.poke?.();
    return receipt;
  } catch (e) {
    if (e instanceof IdempotentReplay && idem !== undefined) {
      const first = await previousReceipt(svc, principal.id, idem, requestHash!);
      if (first) return first;
    }
    throw e;
  }
}

/** The shared-commit queue of ledgered writes (one per process). */
export function ledgerCommitter(db: Db, opts: GroupCommitOptions = {}): WriteCommitter {
  return new GroupCommitter(db, writeBatch, opts);
}

/** The receipt of the first request with this key; 422 if that request was another. */
export async function previousReceipt(
  svc: WriteServices,
  principalId: string,
  key: string,
  requestHash: Uint8Array,
): Promise<Receipt | null> {
  const [row] = await svc.store.db.query<{ request_hash: Uint8Array; receipt: Receipt | string }>(
    'SELECT request_hash, receipt FROM idempotency_keys WHERE principal_id = $1 AND key = $2',
    [principalId, key],
  );
  if (!row) return null;
  if (!Buffer.from(row.request_hash).equals(Buffer.from(requestHash)))
    throw new ApiError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'this Idempotency-Key was used for a different request',
    );
  return typeof row.receipt === 'string' ? (JSON.parse(row.receipt) as Receipt) : row.receipt;
}

/** `?wait=integrated`: waits for the entry's index and proves its inclusion. */
export async function waitIntegrated(
  store: LedgerStore,
  r: Receipt,
  timeoutMs = 10_000,
): Promise<IntegratedReceipt> {
  const found = await store.waitIntegrated([r.pendingId], timeoutMs, 20);
  const index = found.get(r.pendingId)!;
  let cp = await store.checkpoint();
  for (let i = 0; cp && cp.size <= index && i < 100; i++) {
    await new Promise((res) => setTimeout(res, 20));
    cp = await store.checkpoint();
  }
  if (!cp || cp.size <= index)
    throw new ApiError(503, 'NOT_YET_INTEGRATED', 'integrated, but no checkpoint covers it yet', {
      'Retry-After': '1',
    });
  const proof = await store.inclusionProof(index, cp.size);
  return { ...r, index, checkpoint: cp.note, treeSize: cp.size, inclusionProof: proof.map(base64) };
}
