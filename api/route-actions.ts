/**
 * Which policy action decides each route: the one map that the routes, the
 * OpenAPI description (`x-saksi-action` / `x-saksi-public` on every operation)
 * and the tests read (api/platform/route-policy.test.ts walks every route of the
 * app against it, and checks it against the decision tables in policies/decisions).
 *
 * ARCHITECTURE.md: "Cedar decides every authorisation: no route checks a role in
 * code." A route is either decided by a Cedar action, or listed in
 * UNDECIDED_ROUTES with the reason nothing needs deciding. A route in neither
 * makes the tests fail; so does an action of the policy set that no route asks.
 *
 * Keys are `METHOD /path` with OpenAPI path parameters (`{id}`); Hono's `:id` and
 * `*` patterns are converted by `routeKey`.
 */
import type { ActionName } from '../policies/index.ts';

/** Routes whose answer depends on a policy decision, and the action asked. */
export const ROUTE_ACTIONS = {
  // Officer management (api/domains/identity): the resource is the managed
  // officer's area and `context.targetRole` their role (policies/officers.cedar).
  'POST /v1/officers': 'officer.manage',
  'POST /v1/officers/{id}/suspend': 'officer.manage',
  'POST /v1/officers/{id}/reinstate': 'officer.manage',
  // Devices: enrolling and revoking a key are one permission (policies/devices.cedar).
  'POST /v1/devices': 'device.enroll',
  'POST /v1/devices/revoke': 'device.enroll',
  // Election-day reports follow the count form's rules: the KPPS of the TPS
  // submits, a supervising level corrects.
  'POST /v1/tps-reports': 'results.submit',
  'POST /v1/tps-reports/corrections': 'results.correct',
  'POST /v1/results/forms/read': 'results.read_machine',
  'POST /v1/results/forms': 'results.submit',
  'POST /v1/results/forms/corrections': 'results.correct',
  'PUT /v1/photos/{sha256}': 'photo.upload',
  // Published results: open to everyone (policies/reads.cedar), and still decided
  // by the engine, so that a rule about publication is one policy away.
  'GET /v1/results/{contest}/areas/{area}': 'results.read',
  'GET /v1/results/{contest}/history/{area}': 'results.read',
  'GET /v1/results/{contest}/tps/{tps}': 'results.read',
  'GET /v1/results/{contest}/proof/{tps}': 'results.read',
  'GET /v1/results/{contest}/export.csv': 'results.read',
  // The voter register (api/domains/voters): the resource is the voter's TPS as
  // the request names it (the TPS registered at, for a registration).
  'POST /v1/voters': 'voter.manage',
  'POST /v1/voters/promote': 'voter.manage',
  'POST /v1/voters/transfer': 'voter.manage',
  'POST /v1/voters/assign': 'voter.manage',
  'POST /v1/voters/remove': 'voter.manage',
  'POST /v1/voters/erase': 'voter.erase',
  // The resource is the exported area.
  'POST /v1/voters/export': 'voter.export',
  'POST /v1/keys/rotate': 'key.rotate',
  'POST /v1/keys/retire': 'key.retire',
  // Campaign finance (api/domains/finance, policies/finance.cedar): the resource
  // is the participant's area; `filer` and `assigned` come from the identity.
  'POST /v1/finance/rules': 'finance.manage',
  'POST /v1/finance/accounts': 'finance.manage',
  'POST /v1/finance/auditors': 'finance.manage',
  'POST /v1/finance/contributions': 'finance.file',
  'POST /v1/finance/surrenders': 'finance.file',
  'POST /v1/finance/expenditures': 'finance.file',
  'POST /v1/finance/reports': 'finance.file',
  'POST /v1/finance/openings': 'finance.donor.open',
  // Internal audit and stage gates (api/domains/audit, policies/audit.cedar).
  'POST /v1/audit/reports': 'audit.file',
  'POST /v1/audit/findings/{id}/followups': 'audit.followup',
  'POST /v1/audit/stages/{id}/open': 'stage.open',
} as const satisfies Record<string, ActionName>;

const LOG =
  'the log is public by design (ARCHITECTURE.md): anyone must be able to read and verify it, so no policy may hide any part of it';
const REGISTRY =
  'the election registry (areas, contests, dapil, ballots) is published reference data, and is itself in the public log';
const FINANCE =
  'campaign-finance accounts, totals, filings and their flags are public disclosures (DOMAIN.md application 6; the published reports of PKPU 18/2023) and already in public log entries; no donor identity is ever served';
const AUDIT =
  'audit evidence is public by design (issue #13): reports, findings, follow-ups and stage decisions are public log entries, with summaries redacted before they entered the log';
const OPERATIONS = 'operational: answers nothing about any record';
const PORTAL =
  'the public portal (api/portal) renders public reads only, and reads each through its own route of this app, so a results page is decided by that route’s action (results.read) for the public principal; the page itself decides nothing';

/**
 * Routes that ask no policy, each with the reason. Public reads here are public
 * by construction (what they serve is already in the public log or published by
 * KPU); none of them writes anything.
 */
export const UNDECIDED_ROUTES = {
  'POST /v1/auth/login':
    'authentication itself: there is no principal yet (failures are rate-limited and lock the username)',
  'GET /v1/officers/me':
    'needs a token and answers only the caller’s own record, which the token already proves',
  'POST /v1/demo/token':
    'demo mode only (`saksi serve --demo`): the route does not exist otherwise; it issues demo tokens, which are then decided like any other',
  'GET /v1/proofs/inclusion': LOG,
  'GET /v1/proofs/consistency': LOG,
  'GET /v1/ledger/entries/{index}': LOG,
  'GET /log/checkpoint': LOG,
  'GET /log/key': LOG,
  'GET /log/tile/*': LOG,
  'GET /v1/areas/{code}': REGISTRY,
  'GET /v1/contests': REGISTRY,
  'GET /v1/contests/{contest}/dapil': REGISTRY,
  'GET /v1/contests/{contest}/ballot': REGISTRY,
  'GET /v1/photos/{sha256}':
    'a count-form photo is public evidence, content-addressed: only someone who already has its hash (from a public log entry) can ask for it',
  'GET /v1/tps-reports':
    'election-day reports are public entries of the log; this lists what the log already shows',
  'POST /v1/voters/self-check':
    'a person’s check of their own record: it answers only to someone who gives both the NIK and the name on it, rate-limited per address, and says nothing else (api/domains/voters/self-check.ts)',
  'GET /v1/voters/counts/{area}':
    'published voter counts are public entries of the log (no personal data); this shows the latest one of an area',
  'GET /v1/finance/rules': FINANCE,
  'GET /v1/finance/participants': FINANCE,
  'GET /v1/finance/participants/{id}': FINANCE,
  'GET /v1/finance/export.csv': FINANCE,
  'GET /v1/finance/documents/{sha256}':
    'a filed campaign-finance report is public, content-addressed: its hash is in a public log entry',
  'GET /v1/audit/reports': AUDIT,
  'GET /v1/audit/reports/{id}': AUDIT,
  'GET /v1/audit/findings': AUDIT,
  'GET /v1/audit/findings/{id}': AUDIT,
  'GET /v1/audit/stages': AUDIT,
  'GET /v1/audit/stages/{id}': AUDIT,
  'GET /v1/voters/counts/{area}/proof':
    'a voter count entry and the public entries it lists (child counts, or voter versions: TPS, list, change type, commitment; no personal data), with inclusion proofs',
  'GET /healthz': OPERATIONS,
  'GET /readyz': OPERATIONS,
  'GET /metrics': `${OPERATIONS} (counters and latencies, no record contents or personal data)`,
  'GET /openapi.json': `${OPERATIONS} (the description of the API)`,
  'OPTIONS /*': 'CORS pre-flight of public reads: answers headers only',
  'GET /': PORTAL,
  'GET /portal/*': PORTAL,
} as const satisfies Record<string, string>;

export type DecidedRoute = keyof typeof ROUTE_ACTIONS;
export type UndecidedRoute = keyof typeof UNDECIDED_ROUTES;

/** `POST /v1/officers/{id}/suspend` from a method and a Hono or OpenAPI path. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

/** The action that decides `key`, or undefined when the route asks none (or is unknown). */
export function actionOf(key: string): ActionName | undefined {
  return (ROUTE_ACTIONS as Record<string, ActionName>)[key];
}

/** Why `key` asks no policy, or undefined. */
export function undecidedReason(key: string): string | undefined {
  return (UNDECIDED_ROUTES as Record<string, string>)[key];
}
