/** The authentication area's public surface: principals, tokens, passwords, OIDC, middleware. */
export {
  type AuthEnv,
  type AuthenticateDeps,
  authenticate,
  PUBLIC,
  requireOfficer,
} from './authenticate.ts';
export { type AuthConfig, loadAuthConfig } from './config.ts';
export { keyId } from './jwt.ts';
export { THROTTLE, type ThrottlePolicy } from './lockout.ts';
export { type LoginResult, LoginService } from './login.ts';
export { type OidcConfig, type OidcResult, OidcVerifier } from './oidc.ts';
export { hashPassword, PasswordHashError, SCRYPT_PARAMS, verifyPassword } from './password.ts';
export * from './principal.ts';
export {
  CLOCK_SKEW_SECONDS,
  type IssuedToken,
  type TokenClaims,
  type TokenConfig,
  type TokenResult,
  TokenService,
} from './tokens.ts';
