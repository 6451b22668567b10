/**
 * The voter register over HTTP (issue #11). Each change is a ledgered write
 * (`performWrite`): the request carries personal data, the write's payload only
 * the public facts and the commitment (schemas.ts `VoterPublicPayload`), and
 * the sealed record and opening go to private tables in the same transaction.
 *
 * Order, so that an officer outside the area learns nothing about a NIK: the
 * request is validated, the voter looked up, then `performWrite` asks the
 * policy (`voter.manage` on the TPS the request names) and only then runs the
 * rules, which answer "duplicate" or "not registered here".
 */
import type { Hono } from 'hono';
import { base64, canonicalize, type Db } from '../../../ledger/index.ts';
import { areaLevel, isAreaCode } from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import type { RateLimiter } from '../../platform/rate-limit.ts';
import { ERROR_SCHEMA, type JsonSchema, registerRoute, validate } from '../../schemas.ts';
import {
  performWrite,
  submissionSchema,
  type Violation,
  type WriteDefinition,
  type WriteServices,
} from '../../write/ledgered-write.ts';
import { RECEIPT_SCHEMA } from '../../write/routes.ts';
import type { DomainRow } from '../../write/write-batch.ts';
import type { Registry } from '../registry/index.ts';
import { countProofRoute } from './count-proof.ts';
import { countSubject, latestCount } from './counts.ts';
import { openPersonal, sealPersonal, type VoterKeys } from './crypto.ts';
import { IDEMPOTENCY_HEADER, type IdempotencyOptions, idempotentWrite } from './idempotency.ts';
import { VOTER_KINDS } from './kinds.ts';
import { privilegedRoutes } from './privileged.ts';
import { newVoterSubject, sealVersion } from './record.ts';
import {
  activeViolations,
  assignViolations,
  promoteViolations,
  recordViolations,
  transferViolations,
  type VoterState,
} from './rules.ts';
import {
  ASSIGN_SCHEMA,
  type AssignRequest,
  PROMOTE_SCHEMA,
  type PromoteRequest,
  PUBLIC_PAYLOAD_SCHEMA,
  REGISTER_SCHEMA,
  REMOVE_SCHEMA,
  type RegisterRequest,
  type RemoveRequest,
  TRANSFER_SCHEMA,
  type TransferRequest,
  type VoterChange,
  type VoterList,
  type VoterPersonal,
  type VoterPublicPayload,
} from './schemas.ts';
import { selfCheckRoute } from './self-check.ts';
import { advanceVoter, changeRow, openingRow, voterByNik, voterRow } from './store.ts';

export interface VoterDeps {
  writes: WriteServices;
  db: Db;
  registry: Registry;
  keys: VoterKeys;
  /** Self-checks per client address (enumeration of NIKs). */
  selfCheckLimit: RateLimiter;
}

const ACTION = 'voter.manage';
const SUBMISSION = submissionSchema(PUBLIC_PAYLOAD_SCHEMA, false);
/** A well-formed commitment for a request the rules will refuse (never stored). */
const NO_COMMITMENT = Buffer.alloc(32).toString('base64');

type App = Hono<{ Variables: AppVariables }>;

function definition(
  change: VoterChange,
  subject: string,
  tps: string,
  rules: () => Violation[],
  rows: (e: { entryHash: Uint8Array; pendingId: number }) => DomainRow[],
  extra: Partial<WriteDefinition<VoterPublicPayload>> = {},
): WriteDefinition<VoterPublicPayload> {
  return {
    kind: VOTER_KINDS[change],
    action: ACTION,
    payloadSchema: PUBLIC_PAYLOAD_SCHEMA,
    resource: () => ({ type: 'Area', code: tps }),
    // The entry's payload is built here, not by the device (it holds a fresh
    // salt's commitment): the officer's bearer token authenticates the change.
    deviceSigned: false,
    subjectMatches: (s) => s === subject,
    rules: () => rules(),
    rows: (w) => rows(w),
    ...extra,
  };
}

function doc(path: string, operationId: string, summary: string, body: unknown) {
  registerRoute({
    method: 'post',
    path,
    operationId,
    summary,
    tags: ['voters'],
    security: 'bearer',
    requestBody: body as never,
    parameters: [IDEMPOTENCY_HEADER],
    responses: {
      '201': { description: 'stored with its log entry', schema: RECEIPT_SCHEMA },
      '400': { description: 'malformed request', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
      '503': { description: 'overloaded; retry after Retry-After', schema: ERROR_SCHEMA },
      '403': { description: 'not allowed by policy', schema: ERROR_SCHEMA },
      '404': { description: 'no voter with this NIK at this TPS', schema: ERROR_SCHEMA },
      '409': {
        description: 'the NIK is registered already, or a concurrent change',
        schema: ERROR_SCHEMA,
      },
      '422': {
        description: 'register rules failed, or an Idempotency-Key reused for another request',
        schema: ERROR_SCHEMA,
      },
    },
  });
}

export function voterRoutes(app: App, deps: VoterDeps): void {
  const { writes, db, registry, keys } = deps;
  const isKecamatan = (code: string) =>
    isAreaCode(code) && areaLevel(code) === 'kecamatan' && registry.area(code) !== undefined;
  const hasTps = (tps: string) => registry.hasTps(tps);
  // Idempotency-Key: the client's request is what a retry repeats (each attempt
  // seals a fresh salt), so idempotency.ts keys it on the request, not on this body.
  const submit = (
    def: WriteDefinition<VoterPublicPayload>,
    body: unknown,
    principal: AppVariables['principal'],
    opts: IdempotencyOptions,
  ) => performWrite(writes, def, SUBMISSION, principal, body, opts);

  doc('/v1/voters', 'registerVoter', 'Register a voter (DPS or DPK) at a TPS', REGISTER_SCHEMA);
  app.post('/v1/voters', async (c) => {
    const req = validate<RegisterRequest>(REGISTER_SCHEMA, await readJsonBody(c));
    const receipt = await idempotentWrite(c, deps, '/v1/voters', req, (opts) =>
      registerVoter(req, c.get('principal'), opts),
    );
    return c.json(receipt, 201);
  });
  const registerVoter = async (
    req: RegisterRequest,
    principal: AppVariables['principal'],
    opts: IdempotencyOptions,
  ) => {
    const nikMac = await keys.nikMac(req.voter.nik);
    const existing = await voterByNik(db, nikMac);
    const subject = newVoterSubject();
    const { dek, sealed, kekLabel } = await keys.newDek(subject);
    const personal = sealPersonal(dek, subject, canonicalize(req.voter));
    const v = sealVersion(dek, req.voter, {
      subject,
      seq: 1,
      tps: req.tps,
      list: req.list,
      formA: null,
    });
    dek.fill(0);
    const payload: VoterPublicPayload = {
      tps: req.tps,
      list: req.list,
      change: 'registered',
      reason: null,
      commitment: Buffer.from(v.commitment).toString('base64'),
    };
    const def = definition(
      'registered',
      subject,
      req.tps,
      () => {
        // After authorisation (see the file comment): one NIK, one registration.
        if (existing) throw duplicate();
        const found = recordViolations(req.voter, isKecamatan);
        if (!hasTps(req.tps))
          found.push({ rule: 'known-tps', message: `there is no TPS ${req.tps}` });
        return found;
      },
      (e) => [
        voterRow({
          subject,
          nikMac,
          tps: req.tps,
          list: req.list,
          kekLabel,
          dek: sealed,
          personal,
        }),
        changeRow(subject, 1, payload, v.commitment, e),
        openingRow(subject, 1, v.opening),
      ],
      // A concurrent registration of the same NIK loses on the unique index.
      { constraints: { voters_one_nik: { status: 409, ...DUPLICATE } } },
    );
    return submit(def, { subject, seq: 1, payload }, principal, opts);
  };

  /** The shared shape of every change to an existing record. */
  const changeRoute = <R extends { nik: string; tps: string; seq: number }>(
    path: string,
    operationId: string,
    summary: string,
    schema: JsonSchema,
    plan: (
      req: R,
      s: VoterState,
    ) => {
      change: VoterChange;
      violations: Violation[];
      tps: string;
      list: VoterList;
      reason: VoterPublicPayload['reason'];
      formA: string | null;
      why: string;
    },
  ) => {
    doc(path, operationId, summary, schema);
    app.post(path, async (c) => {
      const req = validate<R>(schema, await readJsonBody(c));
      const receipt = await idempotentWrite(c, deps, path, req, (opts) =>
        change(req, c.get('principal'), opts),
      );
      return c.json(receipt, 201);
    });
    const change = async (
      req: R,
      principal: AppVariables['principal'],
      opts: IdempotencyOptions,
    ) => {
      const row = await voterByNik(db, await keys.nikMac(req.nik));
      const here =
        row !== null &&
        row.tps === req.tps &&
        row.seq + 1 === req.seq &&
        row.dek !== null &&
        row.personal !== null;
      const state: VoterState = row
        ? { tps: row.tps, list: row.list, removed: row.removed }
        : { tps: req.tps, list: 'DPS', removed: false };
      const p = plan(req, state);
      const subject = here ? row.subject : 'voter:none';
      const seq = req.seq;
      let commitment = NO_COMMITMENT;
      let rows: (e: { entryHash: Uint8Array; pendingId: number }) => DomainRow[] = () => [];
      const payload = (): VoterPublicPayload => ({
        tps: p.tps,
        list: p.list,
        change: p.change,
        reason: p.reason,
        commitment,
      });
      if (here) {
        const dek = await keys.openDek(row.subject, row.kek_label, row.dek!);
        const personal = JSON.parse(openPersonal(dek, row.subject, row.personal!)) as VoterPersonal;
        const v = sealVersion(dek, personal, {
          subject,
          seq,
          tps: p.tps,
          list: p.list,
          formA: p.formA,
        });
        dek.fill(0);
        commitment = Buffer.from(v.commitment).toString('base64');
        rows = (e) => [
          changeRow(subject, seq, payload(), v.commitment, e),
          openingRow(subject, seq, v.opening),
        ];
      }
      const def = definition(
        p.change,
        subject,
        req.tps,
        () => {
          // A replay or a stale view first: its own TPS may no longer be the voter's.
          if (row && row.seq + 1 !== req.seq) throw stale(row.seq);
          if (!here) throw notHere(req.tps);
          return [...activeViolations(state), ...p.violations];
        },
        rows,
        {
          apply: (tx) =>
            advanceVoter(tx, subject, seq, {
              tps: p.tps,
              list: p.list,
              removed: p.change === 'removed',
            }),
        },
      );
      const body = { subject, seq, payload: payload(), reason: p.why };
      return submit(def, body, principal, opts);
    };
  };

  changeRoute<PromoteRequest>(
    '/v1/voters/promote',
    'promoteVoter',
    'Move a voter DPS → DPSHP → DPT',
    PROMOTE_SCHEMA,
    (req, s) => ({
      change: 'promoted',
      violations: promoteViolations(s, req.to),
      tps: s.tps,
      list: req.to,
      reason: null,
      formA: null,
      why: `promoted to ${req.to}`,
    }),
  );
  changeRoute<TransferRequest>(
    '/v1/voters/transfer',
    'transferVoter',
    'Transfer a DPT voter to another TPS (DPTb, with form A)',
    TRANSFER_SCHEMA,
    (req, s) => ({
      change: 'transferred',
      violations: transferViolations(s, req.to, hasTps),
      tps: req.to,
      list: 'DPTb',
      reason: null,
      formA: req.formA,
      why: 'transferred with form A',
    }),
  );
  changeRoute<AssignRequest>(
    '/v1/voters/assign',
    'assignVoter',
    'Assign a voter to another TPS of the same desa',
    ASSIGN_SCHEMA,
    (req, s) => ({
      change: 'assigned',
      violations: assignViolations(s, req.to, hasTps),
      tps: req.to,
      list: s.list,
      reason: null,
      formA: null,
      why: 'assigned to another TPS of the desa',
    }),
  );
  changeRoute<RemoveRequest>(
    '/v1/voters/remove',
    'removeVoter',
    'Remove a voter from the register, with the reason code',
    REMOVE_SCHEMA,
    (req, s) => ({
      change: 'removed',
      violations: [],
      tps: s.tps,
      list: s.list,
      reason: req.reason,
      formA: null,
      why: `removed: ${req.reason}`,
    }),
  );

  selfCheckRoute(app, deps);
  privilegedRoutes(app, deps);
  countProofRoute(app, deps);

  registerRoute({
    method: 'get',
    path: '/v1/voters/counts/{area}',
    operationId: 'voterCounts',
    summary:
      'The latest published voter counts of an area or TPS (per list, per change type), with its children or voter entries and its log entry',
    tags: ['voters'],
    security: 'public',
    parameters: [
      {
        name: 'area',
        in: 'path',
        required: true,
        schema: { type: 'string' },
        description: 'area or TPS code',
      },
    ],
    responses: {
      '200': { description: 'the count entry' },
      '404': { description: 'no count published' },
    },
  });
  app.get('/v1/voters/counts/:area', async (c) => {
    const area = c.req.param('area');
    if (!isAreaCode(area))
      throw new ApiError(400, 'BAD_PARAMETER', 'area must be an area or TPS code');
    const row = await latestCount(db, area);
    if (!row) throw new ApiError(404, 'NOT_FOUND', `no voter count published for ${area}`);
    const pendingId = Number(row.pending_id);
    const index = (await writes.store.indexesOf([pendingId])).get(pendingId) ?? null;
    return c.json({
      subject: countSubject(area),
      seq: row.seq,
      entryHash: base64(row.entry_hash),
      index,
      count: JSON.parse(row.payload) as unknown,
    });
  });
}

const DUPLICATE = {
  code: 'DUPLICATE_NIK',
  message: 'this NIK is registered already: one NIK, one registration',
};
const duplicate = () => new ApiError(409, DUPLICATE.code, DUPLICATE.message);
const stale = (latest: number) =>
  new ApiError(
    409,
    'VERSION_CONFLICT',
    `this record is at version ${latest}: a change makes version ${latest + 1}`,
  );
const notHere = (tps: string) =>
  new ApiError(404, 'NOT_REGISTERED', `no voter with this NIK is registered at TPS ${tps}`);
