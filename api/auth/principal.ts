/**
 * Who is making a request. Authentication middleware sets it on the Hono
 * context; authorisation (policies/) and the ledgered write read it.
 */
import type { Role } from '../../policies/index.ts';

export { ROLES, type Role } from '../../policies/index.ts';

export interface OfficerPrincipal {
  kind: 'officer';
  /** Stable officer id (e.g. "kpps-3171011001001-1"). */
  id: string;
  role: Role;
  /** Assigned area code: 'ID', or 2/4/6/10/13 digits (policies/areas.ts). */
  area: string;
  suspended: boolean;
  /** How the request proved it: a token we issued, or an external OIDC issuer's. */
  via: 'token' | 'oidc';
}

export interface PublicPrincipal {
  kind: 'public';
}

export type Principal = OfficerPrincipal | PublicPrincipal;

/** Hono context variables set by the platform middleware. */
export interface AppVariables {
  requestId: string;
  principal: Principal;
}
