/**
 * The key service's public surface (CONVENTIONS.md §1): other areas import only
 * this. The file format and sealing helpers stay inside the folder.
 */

export {
  EnvelopeKeys,
  type EnvelopeLabels,
  openValue,
  SealError,
  sealValue,
} from './envelope.ts';
export {
  checkRetirement,
  DATA_KEY_LABEL,
  isKeyLabel,
  KEY_LABELS,
  KeyError,
  type KeyErrorCode,
  type KeyLabel,
  type KeyService,
  type KeyVersions,
  type PublicKeyInfo,
  type RotatingKeyService,
  type VersionedSigner,
} from './key-service.ts';
export { LocalKeystore, type LocalKeystoreOptions, openLocalKeystore } from './local-keystore.ts';
export { redactVaultOptions, vaultConfigFromEnv } from './vault-config.ts';
export {
  openVaultKeyService,
  VaultError,
  type VaultErrorCode,
  VaultKeyService,
  type VaultOptions,
} from './vault-keystore.ts';
