/**
 * The two privileged operations on the register (issue #11):
 *
 * - Crypto-erasure (`POST /v1/voters/erase`, policy `voter.erase`): the record's
 *   openings (salts) and its sealed key and fields are deleted, and its NIK
 *   index replaced by a tombstone, so no commitment of it can be opened again
 *   and the NIK may register anew; the log is untouched, and the erasure is
 *   itself a new version (`voters.voter.erased`, with its reason code and a
 *   commitment of 32 zero bytes: it commits to nothing).
 * - Bulk export (`POST /v1/voters/export`, policy `voter.export`): the personal
 *   records of an area as CSV in the import's format. The export is a log entry
 *   (`voters.export.performed`: area, number of records, reason, and the
 *   officer as its actor) appended and committed before any record is read
 *   (DOMAIN.md, 2024 failure 5: "log every bulk access").
 */
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';

import { isAreaCode } from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import { ERROR_SCHEMA, registerRoute, validate } from '../../schemas.ts';
import {
  performWrite,
  submissionSchema,
  type WriteDefinition,
} from '../../write/ledgered-write.ts';
import { RECEIPT_SCHEMA } from '../../write/routes.ts';
import { openPersonal } from './crypto.ts';
import { VOTER_CSV_HEADER } from './csv.ts';
import { IDEMPOTENCY_HEADER, idempotentWrite } from './idempotency.ts';
import { EXPORT_KIND, VOTER_KINDS } from './kinds.ts';
import type { VoterDeps } from './routes.ts';
import {
  ERASE_SCHEMA,
  type EraseRequest,
  EXPORT_PAYLOAD_SCHEMA,
  EXPORT_SCHEMA,
  type ExportRequest,
  PUBLIC_PAYLOAD_SCHEMA,
  type VoterPersonal,
  type VoterPublicPayload,
} from './schemas.ts';
import { changeRow, voterByNik } from './store.ts';

/** Most records one export answers: larger areas are exported part by part. */
export const MAX_EXPORT = 200_000;
const NOTHING = Buffer.alloc(32);
const ERASE_SUBMISSION = submissionSchema(PUBLIC_PAYLOAD_SCHEMA, false);
const EXPORT_SUBMISSION = submissionSchema(EXPORT_PAYLOAD_SCHEMA, false);

type App = Hono<{ Variables: AppVariables }>;

export function privilegedRoutes(app: App, deps: VoterDeps): void {
  const { db, keys, writes } = deps;

  registerRoute({
    method: 'post',
    path: '/v1/voters/erase',
    operationId: 'eraseVoter',
    summary:
      'Crypto-erase a voter record: its openings and sealed fields deleted, the erasure logged',
    tags: ['voters'],
    security: 'bearer',
    requestBody: ERASE_SCHEMA,
    parameters: [IDEMPOTENCY_HEADER],
    responses: {
      '201': { description: 'erased, with its log entry', schema: RECEIPT_SCHEMA },
      '400': { description: 'malformed request', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': { description: 'not allowed by policy', schema: ERROR_SCHEMA },
      '404': { description: 'no voter with this NIK at this TPS', schema: ERROR_SCHEMA },
      '409': { description: 'a replay or a stale version', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
      '422': {
        description:
          'the record is erased already, or an Idempotency-Key reused for another request',
        schema: ERROR_SCHEMA,
      },
    },
  });
  app.post('/v1/voters/erase', async (c) => {
    const req = validate<EraseRequest>(ERASE_SCHEMA, await readJsonBody(c));
    const receipt = await idempotentWrite(c, deps, '/v1/voters/erase', req, async (opts) => {
      const row = await voterByNik(db, await keys.nikMac(req.nik));
      // An erased record keeps a tombstone index (the HMAC of "erased:" and the
      // NIK): the NIK itself finds nothing and may register anew, and a replayed
      // erasure is told apart from an unknown NIK.
      const tombstone = await keys.nikMac(`erased:${req.nik}`);
      const erased = row === null ? await voterByNik(db, tombstone) : null;
      const here = row !== null && row.tps === req.tps && row.seq + 1 === req.seq;
      const subject = here ? row.subject : 'voter:none';
      const payload: VoterPublicPayload = {
        tps: req.tps,
        list: row?.list ?? 'DPS',
        change: 'erased',
        reason: req.reason,
        commitment: NOTHING.toString('base64'),
      };
      const def: WriteDefinition<VoterPublicPayload> = {
        kind: VOTER_KINDS.erased,
        action: 'voter.erase',
        payloadSchema: PUBLIC_PAYLOAD_SCHEMA,
        resource: () => ({ type: 'Area', code: req.tps }),
        deviceSigned: false,
        subjectMatches: (s) => s === subject,
        rules: () => {
          if (erased) throw new ApiError(409, 'ALREADY_ERASED', 'this record was erased');
          if (row && row.seq + 1 !== req.seq)
            throw new ApiError(409, 'VERSION_CONFLICT', `this record is at version ${row.seq}`);
          if (!here)
            throw new ApiError(
              404,
              'NOT_REGISTERED',
              `no voter with this NIK is registered at TPS ${req.tps}`,
            );
          return row.dek === null
            ? [{ rule: 'erased', message: 'this record is erased already' }]
            : [];
        },
        rows: (w) => [changeRow(subject, req.seq, payload, NOTHING, w)],
        apply: async (tx) => {
          await tx.query('DELETE FROM voter_salts WHERE subject = $1', [subject]);
          // A NIK erased before (registered anew since) gives up its tombstone.
          await tx.query('UPDATE voters SET nik_mac = $2 WHERE nik_mac = $1', [
            tombstone,
            randomBytes(32),
          ]);
          await tx.query(
            `UPDATE voters SET seq = $2, removed = true, dek = NULL, personal = NULL, nik_mac = $3
            WHERE subject = $1 AND seq = $4`,
            [subject, req.seq, tombstone, req.seq - 1],
          );
        },
      };
      const body = { subject, seq: req.seq, payload, reason: `erased: ${req.reason}` };
      return performWrite(writes, def, ERASE_SUBMISSION, c.get('principal'), body, opts);
    });
    return c.json(receipt, 201);
  });

  registerRoute({
    method: 'post',
    path: '/v1/voters/export',
    operationId: 'exportVoters',
    summary:
      'Bulk export of an area’s personal voter records as CSV: privileged, and logged with its reason before any record is read',
    tags: ['voters'],
    security: 'bearer',
    requestBody: EXPORT_SCHEMA,
    responses: {
      '200': {
        description: 'text/csv in the import format; X-Saksi-Export-Entry names the log entry',
      },
      '400': { description: 'malformed request', schema: ERROR_SCHEMA },
      '401': { description: 'no or bad token', schema: ERROR_SCHEMA },
      '403': { description: 'not allowed by policy', schema: ERROR_SCHEMA },
      '415': { description: 'body is not application/json', schema: ERROR_SCHEMA },
      '422': {
        description: 'the area holds more records than one export answers',
        schema: ERROR_SCHEMA,
      },
    },
  });
  app.post('/v1/voters/export', async (c) => {
    const req = validate<ExportRequest>(EXPORT_SCHEMA, await readJsonBody(c));
    if (!isAreaCode(req.area)) throw new ApiError(400, 'BAD_PARAMETER', 'area is not an area code');
    const prefix = req.area === 'ID' ? '' : req.area;
    // The records counted are the records exported: their subjects, read first.
    const rows = await db.query<{
      subject: string;
      kek_label: string;
      dek: Uint8Array;
      personal: Uint8Array;
      tps: string;
      list: string;
    }>(
      `SELECT subject, kek_label, dek, personal, tps, list FROM voters
        WHERE tps LIKE $1 AND dek IS NOT NULL ORDER BY subject LIMIT ${MAX_EXPORT + 1}`,
      [`${prefix}%`],
    );
    const subject = `voter-export:${randomBytes(16).toString('hex')}`;
    const payload = { area: req.area, records: rows.length, reason: req.reason };
    const def: WriteDefinition<typeof payload> = {
      kind: EXPORT_KIND,
      action: 'voter.export',
      payloadSchema: EXPORT_PAYLOAD_SCHEMA,
      resource: () => ({ type: 'Area', code: req.area }),
      deviceSigned: false,
      subjectMatches: (s) => s === subject,
      rules: () =>
        rows.length > MAX_EXPORT
          ? [
              {
                rule: 'export-size',
                message: `more than ${MAX_EXPORT} records: export a smaller area`,
              },
            ]
          : [],
    };
    // Logged (committed) first; only then is a record opened.
    const receipt = await performWrite(writes, def, EXPORT_SUBMISSION, c.get('principal'), {
      subject,
      seq: 1,
      payload,
    });
    const csv = [VOTER_CSV_HEADER.join(',')];
    for (const r of rows) {
      const dek = await keys.openDek(r.subject, r.kek_label, r.dek);
      const v = JSON.parse(openPersonal(dek, r.subject, r.personal)) as VoterPersonal;
      dek.fill(0);
      csv.push(
        [
          v.nik,
          v.kk,
          v.name,
          v.birthPlace,
          v.birthDate,
          v.sex,
          v.marital,
          v.address,
          v.disability,
          String(v.ektp),
          r.tps,
          r.list,
        ]
          .map(field)
          .join(','),
      );
    }
    return c.body(`${csv.join('\n')}\n`, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Saksi-Export-Entry': receipt.entryHash,
    });
  });
}

const field = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
