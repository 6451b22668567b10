/**
 * The one way a route asks the policy engine: the action comes from the route's
 * row in api/route-actions.ts, the resource and context from what the route
 * knows (never copied from a request body unchecked), and a denial is a 403 that
 * changes nothing. Every decision is also counted (metrics) through `onDecision`.
 */
import type { Principal } from './auth/principal.ts';
import { ApiError } from './errors.ts';
import { type DecidedRoute, ROUTE_ACTIONS } from './route-actions.ts';
import type { PolicyResource } from './write/authorizer.ts';
import type { WriteServices } from './write/ledgered-write.ts';

export type Decisions = Pick<WriteServices, 'authorizer' | 'onDecision'>;

export function authorizeRoute(
  decisions: Decisions,
  route: DecidedRoute,
  principal: Principal,
  resource: PolicyResource,
  context?: Record<string, boolean | string | number>,
): void {
  const action = ROUTE_ACTIONS[route];
  const decision = decisions.authorizer.authorize(principal, action, resource, context);
  const who = principal.kind === 'officer' ? principal.id : 'public';
  decisions.onDecision?.({ principal: who, action, resource, ...decision });
  if (!decision.allowed)
    throw new ApiError(
      403,
      'FORBIDDEN',
      principal.kind === 'officer'
        ? `${principal.role} ${principal.id} may not ${action} ${describe(resource)}`
        : `the public may not ${action} ${describe(resource)}`,
    );
}

const describe = (r: PolicyResource) => (r.type === 'Log' ? 'on the log' : `in area ${r.code}`);
