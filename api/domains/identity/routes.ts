/**
 * Identity over HTTP: login, officer management, and (demo mode only) demo
 * tokens. Bodies are attacker-controlled: JSON only, at most BODY_LIMIT bytes,
 * schema-checked with unknown fields refused (400) before anything is read from
 * the database; domain rules then answer 422. Passwords and hashes never appear
 * in an answer, and tokens are sent `Cache-Control: no-store` (RFC 6749 §5.1).
 */
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../../../ledger/index.ts';
import { type AuthEnv, requireOfficer } from '../../auth/authenticate.ts';
import type { LoginService } from '../../auth/login.ts';
import type { ROLES } from '../../auth/principal.ts';
import { sourceOf } from '../../auth/source.ts';
import type { IssuedToken, TokenService } from '../../auth/tokens.ts';
import { authorizeRoute, type Decisions } from '../../authorize.ts';
import { ApiError, badRequest, errorBody, notFound } from '../../errors.ts';
import { readJsonBody } from '../../json-body.ts';
import { ERROR_SCHEMA, type JsonSchema, registerRoute, validate } from '../../schemas.ts';
import { demoToken } from './demo.ts';
import type { OfficerDirectory } from './directory.ts';
import { createOfficer } from './manage.ts';
import { type CreateOfficerInput, checkNewOfficer, OFFICER_ID, type Officer } from './rules.ts';
import {
  CREATE_BODY,
  DEMO_BODY,
  LOGIN_BODY,
  OFFICER,
  REASON_BODY,
  TOKEN,
  WRITTEN,
} from './schemas.ts';
import { findOfficer, setSuspended } from './store.ts';

export interface IdentityRoutesDeps {
  db: Db;
  tokens: TokenService;
  login: LoginService;
  officers: OfficerDirectory;
  /** The policy engine: officer management is `officer.manage` (policies/officers.cedar). */
  decisions: Decisions;
  /** Mounts POST /v1/demo/token; without it that route does not exist (404). */
  demo: boolean;
  now?: () => number;
}

/** Identity bodies are a few hundred bytes; refuse anything much larger unread. */
export const BODY_LIMIT = 16 * 1024;

const err = (description: string) => ({ description, schema: ERROR_SCHEMA });
const BAD_INPUT = {
  '400': err('malformed JSON, or a body that does not fit the schema'),
  '413': err(`body larger than ${BODY_LIMIT} bytes`),
  '415': err('body is not application/json'),
};
const AUTH_ERRORS = {
  '401': err('no token, or an invalid one'),
  '403': err('not allowed by policy officer.manage'),
};

registerRoute({
  method: 'post',
  path: '/v1/auth/login',
  operationId: 'login',
  summary: 'Exchange an officer username and password for a short-lived bearer token',
  tags: ['identity'],
  security: 'public',
  requestBody: LOGIN_BODY,
  responses: {
    '200': { description: 'a bearer token', schema: TOKEN },
    ...BAD_INPUT,
    '401': err('wrong username or password (the same answer for both)'),
    '403': err('the officer is suspended'),
    '429': err(
      'too many failed logins from this address (for this username, or in all); retry after Retry-After seconds',
    ),
  },
});
registerRoute({
  method: 'post',
  path: '/v1/officers',
  operationId: 'createOfficer',
  summary:
    'Create an officer (policy officer.manage: ADMIN, or KPU provinsi/kab/kota for the levels below them in their area); logged as identity.officer.created',
  tags: ['identity'],
  security: 'bearer',
  requestBody: CREATE_BODY,
  responses: {
    '201': { description: 'created, with its log receipt', schema: WRITTEN },
    ...BAD_INPUT,
    ...AUTH_ERRORS,
    '409': err('id or username already taken'),
    '422': err('role does not fit the area, or the password is too short'),
  },
});
registerRoute({
  method: 'get',
  path: '/v1/officers/me',
  operationId: 'currentOfficer',
  summary: 'The officer the bearer token belongs to',
  tags: ['identity'],
  security: 'bearer',
  responses: {
    '200': {
      description: 'the current record',
      schema: {
        type: 'object',
        properties: { officer: OFFICER, via: { enum: ['token', 'oidc'] } },
      },
    },
    '401': err('no token, or an invalid one'),
  },
});
for (const action of ['suspend', 'reinstate'] as const)
  registerRoute({
    method: 'post',
    path: `/v1/officers/{id}/${action}`,
    operationId: `${action}Officer`,
    summary: `${action === 'suspend' ? 'Suspend' : 'Reinstate'} an officer (policy officer.manage); logged with the reason`,
    tags: ['identity'],
    security: 'bearer',
    parameters: [
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'string' },
        description: 'officer id',
      },
    ],
    requestBody: REASON_BODY,
    responses: {
      '200': { description: 'changed, with its log receipt', schema: WRITTEN },
      ...BAD_INPUT,
      ...AUTH_ERRORS,
      '404': err('no such officer'),
      '409': err(`the officer is already ${action === 'suspend' ? 'suspended' : 'active'}`),
      '422': err('an officer cannot suspend themselves'),
    },
  });

/** The body as JSON, checked against `schema`; attacker-controlled. */
async function readBody<T>(c: Context, schema: JsonSchema): Promise<T> {
  return validate<T>(schema, await readJsonBody(c));
}

const limit = bodyLimit({
  maxSize: BODY_LIMIT,
  onError: (c) =>
    c.json(errorBody('BODY_TOO_LARGE', `request body exceeds ${BODY_LIMIT} bytes`), 413),
});

function tokenAnswer(c: Context, issued: IssuedToken, officer: Officer) {
  c.header('Cache-Control', 'no-store');
  return c.json({
    token: issued.token,
    expiresAt: issued.expiresAt,
    officer: { id: officer.id, role: officer.role, area: officer.area },
  });
}

export function identityRoutes(deps: IdentityRoutesDeps): Hono<AuthEnv> {
  const { db, login, officers, tokens } = deps;
  const now = () => new Date((deps.now ?? Date.now)());
  const app = new Hono<AuthEnv>();

  app.post('/v1/auth/login', limit, async (c) => {
    const body = await readBody<{ username: string; password: string }>(c, LOGIN_BODY);
    const r = await login.login(body.username, body.password, sourceOf(c.env));
    if (r.ok) return tokenAnswer(c, r.issued, r.officer);
    switch (r.code) {
      case 'INVALID_CREDENTIALS':
        throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong username or password');
      case 'SUSPENDED':
        throw new ApiError(403, 'OFFICER_SUSPENDED', 'this officer is suspended');
      // 429, not 423: RFC 6585 defines Retry-After for it and clients back off on
      // it; 423 (WebDAV) means a locked resource, and nothing is locked: only
      // this source waits (api/auth/lockout.ts).
      case 'THROTTLED':
        throw new ApiError(
          429,
          'LOGIN_THROTTLED',
          r.scope === 'source'
            ? 'too many failed logins from this address; try again later'
            : 'too many failed logins for this username from this address; try again later',
          { 'Retry-After': String(r.retryAfterSeconds) },
        );
      default:
        return r satisfies never;
    }
  });

  app.post('/v1/officers', limit, async (c) => {
    const principal = requireOfficer(c);
    const body = await readBody<CreateOfficerInput>(c, CREATE_BODY);
    // The request's own rules first (pure, nothing read): a role that does not fit
    // the area is named as such (422) rather than refused by the policy's guard
    // for the same thing (officer.manage.role-must-fit-area-level), which stays.
    const checked = checkNewOfficer(body);
    if (!checked.ok) throw new ApiError(422, checked.code, checked.message);
    // Who may appoint whom is the policy's: the new officer's area and role.
    authorizeRoute(
      deps.decisions,
      'POST /v1/officers',
      principal,
      { type: 'Area', code: body.area },
      { targetRole: body.role },
    );
    const r = await createOfficer(db, body, { id: principal.id, role: principal.role }, now());
    if (r.ok) return c.json({ officer: r.officer, receipt: r.receipt }, 201);
    switch (r.code) {
      case 'ID_TAKEN':
        throw new ApiError(409, r.code, 'an officer with this id exists');
      case 'USERNAME_TAKEN':
        throw new ApiError(409, r.code, 'this username is taken');
      default:
        throw new ApiError(422, r.code, r.message);
    }
  });

  app.get('/v1/officers/me', async (c) => {
    const principal = requireOfficer(c);
    const officer = await officers.get(principal.id);
    // authenticate() checked the record moments ago; gone since is the same as a bad token.
    if (!officer) throw new ApiError(401, 'INVALID_TOKEN', 'the officer no longer exists');
    return c.json({ officer, via: principal.via });
  });

  for (const action of ['suspend', 'reinstate'] as const)
    app.post(`/v1/officers/:id/${action}`, limit, async (c) => {
      const principal = requireOfficer(c);
      const id = c.req.param('id');
      if (!OFFICER_ID.test(id)) throw badRequest('BAD_PARAMETER', 'not an officer id');
      const { reason } = await readBody<{ reason: string }>(c, REASON_BODY);
      const target = await findOfficer(db, id);
      if (!target) throw notFound(`no officer ${id}`);
      // The target officer's current area and role are the policy's resource and
      // context: a KPU provinsi suspends the levels below it in its province.
      authorizeRoute(
        deps.decisions,
        `POST /v1/officers/{id}/${action}`,
        principal,
        { type: 'Area', code: target.area },
        { targetRole: target.role },
      );
      if (action === 'suspend' && id === principal.id)
        throw new ApiError(422, 'SELF_SUSPENSION', 'an officer cannot suspend themselves');
      const actor = { id: principal.id, role: principal.role };
      const r = await setSuspended(db, id, action === 'suspend', reason, actor, now());
      officers.forget(id);
      if (r.ok) return c.json({ officer: r.officer, receipt: r.receipt });
      if (r.code === 'NOT_FOUND') throw notFound(`no officer ${id}`);
      throw new ApiError(
        409,
        'UNCHANGED',
        `officer ${id} is already ${target.suspended ? 'suspended' : 'active'}`,
      );
    });

  if (deps.demo)
    app.post('/v1/demo/token', limit, async (c) => {
      const body = await readBody<{ role: (typeof ROLES)[number]; area?: string }>(c, DEMO_BODY);
      const r = await demoToken({ db, tokens, now: deps.now }, body.role, body.area);
      if (r.ok) return tokenAnswer(c, r.issued, r.officer);
      throw new ApiError(r.code === 'SUSPENDED' ? 403 : 422, r.code, r.message);
    });

  return app;
}
