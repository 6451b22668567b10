/**
 * A configuration value that cannot be used (api/config.ts): thrown at start-up,
 * before anything is opened, naming the variable or flag and the rule it broke.
 */
export class ConfigError extends Error {
  readonly code = 'BAD_CONFIG';
  override readonly name = 'ConfigError';
}
