/**
 * The policies area's public surface (CONVENTIONS.md §1): other areas import only this.
 */
export * from './areas.ts';
export {
  DEFAULT_POLICY_DIR,
  loadPolicyEngine,
  type PolicyEngine,
  type PolicyEngineOptions,
} from './engine.ts';
export * from './errors.ts';
export * from './model.ts';
export { manifestOf, type PolicySetDescription } from './policy-set.ts';
