/**
 * Who may create, suspend or reinstate officers: the single place that decides,
 * so that it can be routed through the policy engine (`officer.manage` in
 * policies/officers.cedar, with `context.targetRole`) without touching a route.
 *
 * Today: an active ADMIN only. Whether the role fits the area is a domain rule
 * (./officer.ts `roleFitsArea`), checked after this.
 */
import type { Principal, Role } from '../auth/principal.ts';

export function canManageOfficers(
  principal: Principal,
  _targetArea: string,
  _targetRole: Role,
): boolean {
  return principal.kind === 'officer' && !principal.suspended && principal.role === 'ADMIN';
}
