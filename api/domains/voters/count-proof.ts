/**
 * `GET /v1/voters/counts/{area}/proof[?seq=N]`: one node of the register's count
 * sum tree with everything needed to check it against a signed checkpoint
 * (issue #11 "Public, provable counts"): the area's count entry and every entry
 * it lists — its children's count entries, or for a TPS the voter versions it
 * counts — each with its RFC 9162 inclusion proof in the same tree.
 * `verifyCountNode` (ledger/verifier/voters/counts.ts) checks one node and
 * `verifyCountTree` walks down with `?seq=` set to the version each parent
 * lists, so a walk reads one publication even while newer ones appear.
 *
 * Public like `GET /v1/voters/counts/{area}`: count entries and voter entries
 * are public log entries (a TPS, a list, a change type, a commitment; no
 * personal data).
 */
import type { Hono } from 'hono';
import { base64 } from '../../../ledger/index.ts';
import { isAreaCode } from '../../../policies/areas.ts';
import type { AppVariables } from '../../auth/principal.ts';
import { ApiError } from '../../errors.ts';
import { canonicalQuery, parseIndex } from '../../params.ts';
import { registerRoute } from '../../schemas.ts';
import { countVersion, listedPendingIds } from './counts.ts';
import type { VoterDeps } from './routes.ts';

export function countProofRoute(app: Hono<{ Variables: AppVariables }>, deps: VoterDeps): void {
  const { db, writes } = deps;
  registerRoute({
    method: 'get',
    path: '/v1/voters/counts/{area}/proof',
    operationId: 'voterCountProof',
    summary:
      'A voter count entry with the entries it lists (child counts, or a TPS’s voter versions), each with its inclusion proof in one signed checkpoint',
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
      {
        name: 'seq',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1 },
        description: 'the count version (default: the latest)',
      },
    ],
    responses: {
      '200': { description: 'the count proof (ledger/verifier/voters/counts.ts)' },
      '404': { description: 'no such count published' },
      '503': { description: 'the count or an entry it lists is not in a checkpoint yet' },
    },
  });
  app.get('/v1/voters/counts/:area/proof', async (c) => {
    const area = c.req.param('area');
    if (!isAreaCode(area))
      throw new ApiError(400, 'BAD_PARAMETER', 'area must be an area or TPS code');
    const q = canonicalQuery(c.req.url, ['seq']);
    const seq = q.has('seq') ? parseIndex('seq', q.get('seq')) : undefined;
    if (seq === 0) throw new ApiError(400, 'BAD_PARAMETER', 'seq starts at 1');
    const row = await countVersion(db, area, seq);
    if (!row)
      throw new ApiError(
        404,
        'NOT_FOUND',
        `no voter count${seq === undefined ? '' : ` version ${seq}`} published for ${area}`,
      );
    const listed = await listedPendingIds(db, JSON.parse(row.payload));
    if (listed.some((id) => id === undefined))
      // The publisher writes a count and the rows it names in one transaction.
      throw new Error(`count ${area} version ${row.seq} lists an entry with no row`);
    const ids = [Number(row.pending_id), ...(listed as number[])];
    const entries = await writes.store.pendingEntries(ids);
    const cp = await writes.store.checkpoint();
    const positions = ids.map((id) => entries.get(id));
    if (cp === null || positions.some((e) => !e || e.index === null || e.index >= cp.size))
      throw new ApiError(503, 'NOT_YET_INTEGRATED', 'this count is not in a checkpoint yet', {
        'Retry-After': '1',
      });
    const items = await Promise.all(
      positions.map(async (e) => ({
        entry: new TextDecoder().decode(e!.entry),
        index: e!.index!,
        inclusionProof: (await writes.store.inclusionProof(e!.index!, cp.size)).map(base64),
      })),
    );
    return c.json({
      area,
      treeSize: cp.size,
      checkpoint: cp.note,
      node: items[0],
      below: items.slice(1),
    });
  });
}
