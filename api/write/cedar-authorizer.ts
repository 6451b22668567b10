/** The API's Authorizer on the Cedar policy engine (policies/). */
import {
  type ActionName,
  ANONYMOUS,
  isActionName,
  type PolicyEngine,
} from '../../policies/index.ts';
import type { Authorizer } from './authorizer.ts';

export function cedarAuthorizer(engine: PolicyEngine): Authorizer {
  return {
    authorize(principal, action, resource, context) {
      if (!isActionName(action)) return { allowed: false, policies: [] }; // fail closed
      const d = engine.authorize({
        principal:
          principal.kind === 'officer'
            ? {
                id: principal.id,
                role: principal.role,
                area: principal.area,
                suspended: principal.suspended,
              }
            : ANONYMOUS,
        action: action as ActionName,
        resource,
        ...(context ? { context } : {}),
      });
      return { allowed: d.allowed && d.errors.length === 0, policies: [...d.policies] };
    },
  };
}
