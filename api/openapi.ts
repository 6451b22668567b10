/**
 * `GET /openapi.json`: OpenAPI 3.1 of every /v1 route, from the registered
 * schemas. Each operation also says how it is authorised, from the one route map
 * (api/route-actions.ts): `x-saksi-action`, the policy action that decides it, or
 * `x-saksi-public`, why it asks none.
 */
import { actionOf, routeKey, undecidedReason } from './route-actions.ts';
import { registeredRoutes } from './schemas.ts';

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registeredRoutes()) {
    if (!r.path.startsWith('/v1/')) continue;
    paths[r.path] ??= {};
    const key = routeKey(r.method, r.path);
    const action = actionOf(key);
    const reason = undecidedReason(key);
    paths[r.path]![r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      tags: r.tags,
      ...(action ? { 'x-saksi-action': action } : {}),
      ...(reason ? { 'x-saksi-public': reason } : {}),
      ...(r.security === 'bearer' ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(r.parameters ? { parameters: r.parameters.map((p) => ({ ...p })) } : {}),
      ...(r.requestMediaTypes
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(r.requestMediaTypes.map((t) => [t, {}])),
            },
          }
        : {}),
      ...(r.requestBody
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: r.requestBody } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([status, resp]) => [
          status,
          {
            description: resp.description,
            ...(resp.schema ? { content: { 'application/json': { schema: resp.schema } } } : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Saksi API',
      version,
      description: 'Ledgered writes and public proofs for KPU election applications.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA)' } },
    },
    paths,
  };
}
