/** The identity domain's public surface: officers, their rules and storage, demo mode, routes. */
export {
  DEMO_ACTOR,
  DEMO_AREAS,
  type DemoTokenResult,
  demoOfficerId,
  demoToken,
  type SeededOfficer,
  seedDemoOfficers,
} from './demo.ts';
export {
  MAX_OFFICER_CACHE_MS,
  OfficerDirectory,
  type OfficerDirectoryOptions,
} from './directory.ts';
export { createIdentity, type Identity, type IdentityDeps } from './identity.ts';
export { type CreateOfficerResult, createOfficer, newOfficerId } from './manage.ts';
export { BODY_LIMIT, type IdentityRoutesDeps, identityRoutes } from './routes.ts';
export {
  type CreateOfficerInput,
  type CreateOfficerRefusal,
  checkNewOfficer,
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  OFFICER_ID,
  type Officer,
  ROLE_LEVEL,
  roleFitsArea,
  USERNAME,
} from './rules.ts';
export { findOfficer, type Receipt, setSuspended } from './store.ts';
