/**
 * What the API needs from the policy engine (policies/): a decision with the IDs
 * of the policies that made it. Deny by default lives in the engine. The public
 * (no token) is a principal too: the engine decides what it may do.
 */
import type { Principal } from '../auth/principal.ts';

export type PolicyResource = { type: 'Area'; code: string } | { type: 'Log' };

export interface Decision {
  allowed: boolean;
  /** IDs of the determining policies (empty for deny-by-default). */
  policies: string[];
}

export interface Authorizer {
  authorize(
    principal: Principal,
    action: string,
    resource: PolicyResource,
    context?: Record<string, boolean | string | number>,
  ): Decision;
}
