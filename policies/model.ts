/**
 * The authorisation vocabulary shared by the policy set and its callers: roles,
 * actions and the shapes `authorize` accepts. The Cedar schema
 * (schema.cedarschema) declares the same actions; the engine refuses to start if
 * the two lists differ, so this file and the schema cannot drift apart.
 */

/** Officer roles (DOMAIN.md glossary). The order is not significant. */
export const ROLES = [
  'KPPS',
  'PPS',
  'PPK',
  'KPU_KABKOTA',
  'KPU_PROVINSI',
  'KPU_RI',
  'BAWASLU',
  'AUDITOR',
  'PARTY',
  'OBSERVER',
  'ADMIN',
] as const;
export type Role = (typeof ROLES)[number];

/** Every action the policy set decides, as `Saksi::Action::"<name>"`. */
export const ACTIONS = [
  'results.submit',
  'results.read_machine',
  'results.correct',
  'photo.upload',
  'voter.manage',
  'voter.erase',
  'voter.export',
  'results.read',
  'device.enroll',
  'officer.manage',
  'key.rotate',
  'key.retire',
  'finance.manage',
  'finance.file',
  'finance.donor.open',
  'audit.file',
  'audit.followup',
  'stage.open',
] as const;
export type ActionName = (typeof ACTIONS)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isActionName(value: unknown): value is ActionName {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

/**
 * An authenticated officer, as the API resolved it from a bearer token or from a
 * device signature (a device authenticates; its owner officer is the principal).
 * `area` is the officer's assigned area code; `suspended` defaults to false.
 */
export interface OfficerPrincipal {
  type?: 'Officer';
  id: string;
  role: Role;
  area: string;
  suspended?: boolean;
}

/** The unauthenticated public: `Saksi::Public::"anonymous"` in the policies. */
export interface PublicPrincipal {
  type: 'Public';
}

export type Principal = OfficerPrincipal | PublicPrincipal;

export const ANONYMOUS: PublicPrincipal = Object.freeze({ type: 'Public' });

/** The target of an action: an area (the TPS submitted for, the area recapped…) or the log itself. */
export type Resource = { type: 'Area'; code: string } | { type: 'Log' };

/**
 * Request context. Cedar's request validation checks it against the action's
 * declared context: `device.enroll` needs `{ self: boolean }` (the API sets it by
 * comparing the enrolled officer with the caller, never from the request body) and
 * `officer.manage` needs `{ targetRole: Role }` (the role being granted); every
 * other action takes `{}`. Numbers must be safe integers (Cedar `Long`).
 */
export type RequestContext = Record<string, boolean | string | number>;

export interface AuthorizationRequest {
  principal: Principal;
  action: ActionName;
  resource: Resource;
  context?: RequestContext;
}

export interface Decision {
  allowed: boolean;
  /**
   * The `@id`s of the determining policies: for an allow, the permits that held;
   * for a deny, the forbids that held. Empty on a deny means no permit matched
   * (deny by default).
   */
  policies: readonly string[];
  /** Why the request could not be evaluated or a policy errored; any error here means deny. */
  errors: readonly string[];
  /** True when the decision came from the decision cache. */
  cached: boolean;
}
