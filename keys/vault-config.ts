/**
 * The `vault` backend's configuration from the environment, read once at start-up
 * as part of the one Config object (api/config.ts `vault`). Vault's own variable names where Vault has one, so an
 * operator's usual environment works; SAKSI_VAULT_* for Saksi's choices.
 *
 *   VAULT_ADDR              Vault's address; unset = the vault backend is not used
 *   VAULT_ROLE_ID           AppRole role ID (not secret) …
 *   VAULT_SECRET_ID_FILE    … and the file holding its secret ID (production)
 *   VAULT_TOKEN_FILE        file holding a Vault token
 *   VAULT_TOKEN             a Vault token (development: `vault server -dev`)
 *   VAULT_CACERT            PEM CA bundle for Vault's TLS certificate
 *   VAULT_CLIENT_CERT, VAULT_CLIENT_KEY   PEM client certificate and key (mutual TLS)
 *   VAULT_NAMESPACE         Vault Enterprise namespace
 *   SAKSI_VAULT_MOUNT       Transit mount (default transit)
 *   SAKSI_VAULT_KEY_PREFIX  Transit key name prefix (default saksi-)
 *   SAKSI_VAULT_CREATE_KEYS true/false; default false with AppRole (keys come from
 *                           infra/vault/setup.sh), true with a token (development)
 *
 * Secrets come from files: VAULT_SECRET_ID is refused (use VAULT_SECRET_ID_FILE).
 * AppRole wins over a token, so a VAULT_TOKEN left in an operator's shell (often a
 * root token) is never used by a service configured with VAULT_ROLE_ID. Only
 * VAULT_TOKEN puts a secret into the returned object: log it only through
 * redactVaultOptions(). VAULT_SKIP_VERIFY is deliberately ignored.
 */
import { VaultError } from './vault-http.ts';
import type { VaultOptions } from './vault-keystore.ts';

/** VaultOptions from the environment, or undefined when VAULT_ADDR is unset. Throws VaultError VAULT_CONFIG. */
export function vaultConfigFromEnv(env: NodeJS.ProcessEnv): VaultOptions | undefined {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };
  const fail = (why: string): never => {
    throw new VaultError('VAULT_CONFIG', why);
  };
  const addr = get('VAULT_ADDR');
  if (addr === undefined) return undefined;
  if (get('VAULT_SECRET_ID') !== undefined)
    fail('VAULT_SECRET_ID is not read: put the secret ID in a file and set VAULT_SECRET_ID_FILE');

  const roleId = get('VAULT_ROLE_ID');
  const secretIdFile = get('VAULT_SECRET_ID_FILE');
  const tokenFile = get('VAULT_TOKEN_FILE');
  const token = get('VAULT_TOKEN');
  const options: VaultOptions = { addr };
  if (roleId !== undefined || secretIdFile !== undefined) {
    if (roleId === undefined || secretIdFile === undefined)
      fail('AppRole needs both VAULT_ROLE_ID and VAULT_SECRET_ID_FILE');
    if (tokenFile !== undefined)
      fail('set either VAULT_TOKEN_FILE or AppRole (VAULT_ROLE_ID), not both');
    options.approle = { roleId: roleId!, secretIdFile: secretIdFile! };
  } else if (tokenFile !== undefined) {
    options.tokenFile = tokenFile;
  } else if (token !== undefined) {
    options.token = token;
  } else {
    fail(
      'VAULT_ADDR is set but no credentials: set VAULT_ROLE_ID and VAULT_SECRET_ID_FILE, or VAULT_TOKEN_FILE',
    );
  }

  const caFile = get('VAULT_CACERT');
  const certFile = get('VAULT_CLIENT_CERT');
  const keyFile = get('VAULT_CLIENT_KEY');
  if ((certFile === undefined) !== (keyFile === undefined))
    fail('VAULT_CLIENT_CERT and VAULT_CLIENT_KEY go together');
  if (caFile !== undefined || certFile !== undefined) options.tls = { caFile, certFile, keyFile };

  const namespace = get('VAULT_NAMESPACE');
  if (namespace !== undefined) options.namespace = namespace;
  const mount = get('SAKSI_VAULT_MOUNT');
  if (mount !== undefined) options.mount = mount;
  const keyPrefix = get('SAKSI_VAULT_KEY_PREFIX');
  if (keyPrefix !== undefined) options.keyPrefix = keyPrefix;
  const create = get('SAKSI_VAULT_CREATE_KEYS');
  if (create !== undefined && !/^(true|false|1|0)$/.test(create))
    fail('SAKSI_VAULT_CREATE_KEYS must be true or false');
  options.createKeys =
    create === undefined ? options.approle === undefined : /^(true|1)$/.test(create);
  return options;
}

/** A copy of `options` that is safe to log: secret values replaced, file names kept. */
export function redactVaultOptions(options: VaultOptions): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...options };
  if (options.token !== undefined) copy.token = '[redacted]';
  if (options.approle) {
    copy.approle = {
      ...options.approle,
      ...(options.approle.secretId !== undefined ? { secretId: '[redacted]' } : {}),
    };
  }
  return copy;
}
