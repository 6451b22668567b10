/**
 * The key service: the one interface through which Saksi gets signing keys and data
 * keys (ARCHITECTURE.md "Identity, policy, keys"). Two real backends implement it:
 * `local` (./local-keystore.ts, the embedded default) and `vault` (HashiCorp Vault
 * Transit). Callers hold references, never key material (CONVENTIONS.md §7): a
 * signer object that signs, a label that names a key.
 */
import type { NoteSigner } from '../ledger/index.ts';

/**
 * Every signed message type has its own key (CONVENTIONS.md §7), so a signature
 * made for one purpose can never be replayed as another: `log` signs checkpoints
 * (C2SP signed-note), `token` signs bearer tokens.
 */
export const KEY_LABELS = ['log', 'token'] as const;
export type KeyLabel = (typeof KEY_LABELS)[number];

export function isKeyLabel(value: unknown): value is KeyLabel {
  return (KEY_LABELS as readonly unknown[]).includes(value);
}

/**
 * Data-key labels name what a key protects (e.g. `salts` for the private table of
 * commitment salts). Lower-case, so a label is never mistaken for a path or for a
 * JavaScript prototype key.
 */
export const DATA_KEY_LABEL = /^[a-z][a-z0-9_.-]{0,63}$/;

/** A signer bound to one version of one labelled key. */
export interface VersionedSigner extends NoteSigner {
  readonly label: KeyLabel;
  readonly version: number;
}

/** A public key of some version, kept after rotation so old signatures still verify. */
export interface PublicKeyInfo {
  version: number;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  /** RFC 3339 UTC time the version was created. */
  createdAt: string;
}

export interface KeyService {
  /**
   * A signer for the current version of `label`, named `name` (the signed-note key
   * name; for the log key, the checkpoint origin). The signer stays bound to that
   * version: after a rotation, ask again.
   */
  signer(label: KeyLabel, name: string): Promise<NoteSigner>;
  /** A 32-byte symmetric key for `label`, the same on every start. */
  dataKey(label: string): Promise<Uint8Array>;
  /** Whether the backend can sign right now; `detail` is for operators, never secret. */
  health(): Promise<{ ok: boolean; detail: string }>;
  /** Where the keys live, e.g. `local:/var/lib/saksi/keystore.json`; never a secret. */
  describe(): string;
}

/**
 * Where a signing key's versions stand. Versions 1…`retiredThrough` are retired:
 * they verify nothing and sign nothing; `current` signs. Retirement is a
 * watermark, as Vault Transit's `min_decryption_version` is: a compromise of one
 * version rarely spares the ones before it, and one number is a state both
 * backends store the same way (docs/keys.md).
 */
export interface KeyVersions {
  label: KeyLabel;
  /** The version that signs now. */
  current: number;
  /** Every version up to and including this one is retired; 0 when none is. */
  retiredThrough: number;
}

/** A key service whose signing keys can be rotated and retired (both backends support it). */
export interface RotatingKeyService extends KeyService {
  /** Adds a new version of `label` and makes it current; old versions stay listed. */
  rotate(label: KeyLabel): Promise<PublicKeyInfo>;
  /**
   * Every version of `label` that still verifies, oldest first: retired versions
   * are not listed. Read from the key store itself (the keystore file, Vault), so
   * a retirement made by another process is seen here too.
   */
  publicKeys(label: KeyLabel): Promise<PublicKeyInfo[]>;
  /** The current version and the retirement watermark of `label`, read as publicKeys() is. */
  versions(label: KeyLabel): Promise<KeyVersions>;
  /**
   * Retires every version of `label` up to and including `version`. Refused, with
   * nothing changed: the current version (KEY_VERSION_CURRENT: rotate first), a
   * version that does not exist (UNKNOWN_KEY_VERSION), one already retired
   * (KEY_VERSION_RETIRED).
   */
  retire(label: KeyLabel, version: number): Promise<KeyVersions>;
}

/**
 * Checks a retirement request against the key's state; the one rule both backends
 * apply before they change anything.
 */
export function checkRetirement(state: KeyVersions, version: unknown): asserts version is number {
  const { label, current, retiredThrough } = state;
  if (
    typeof version !== 'number' ||
    !Number.isSafeInteger(version) ||
    version < 1 ||
    version > current
  )
    throw new KeyError(
      'UNKNOWN_KEY_VERSION',
      `${label} has no version ${JSON.stringify(version)}; its versions are 1 to ${current}`,
    );
  if (version === current)
    throw new KeyError(
      'KEY_VERSION_CURRENT',
      `${label} v${version} is the current version and cannot be retired: rotate first, then retire v${version}`,
    );
  if (version <= retiredThrough)
    throw new KeyError(
      'KEY_VERSION_RETIRED',
      `${label} v${version} is already retired (every version through v${retiredThrough} is)`,
    );
}

export type KeyErrorCode =
  /** The keystore file, the KEK file or their directory is open to group or others. */
  | 'KEYSTORE_INSECURE_MODE'
  /** The KEK file does not exist (and may not be created here). */
  | 'KEYSTORE_KEK_MISSING'
  /** The KEK file does not hold 32 bytes (raw, or base64 text). */
  | 'KEYSTORE_KEK_INVALID'
  /** The KEK does not open this keystore (AES-GCM authentication failed). */
  | 'KEYSTORE_KEK_MISMATCH'
  /** The keystore file is not valid, or a sealed key failed authentication. */
  | 'KEYSTORE_CORRUPT'
  /** Another process holds the keystore lock. */
  | 'KEYSTORE_LOCKED'
  /** The file system refused a read or write. */
  | 'KEYSTORE_IO'
  | 'UNKNOWN_KEY_LABEL'
  /** A retirement named a version the key does not have. */
  | 'UNKNOWN_KEY_VERSION'
  /** A retirement named the version that signs now. */
  | 'KEY_VERSION_CURRENT'
  /** A retirement named a version that is retired already. */
  | 'KEY_VERSION_RETIRED'
  | 'INVALID_KEY_NAME'
  | 'INVALID_DATA_KEY_LABEL';

/** Typed key-service failure (CONVENTIONS.md §5): a code to switch on, and whether retrying can help. */
export class KeyError extends Error {
  readonly code: KeyErrorCode;
  readonly retryable: boolean;
  constructor(code: KeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyError';
    this.code = code;
    this.retryable = code === 'KEYSTORE_LOCKED' || code === 'KEYSTORE_IO';
  }
}

export function checkLabel(label: unknown): asserts label is KeyLabel {
  if (!isKeyLabel(label)) {
    throw new KeyError(
      'UNKNOWN_KEY_LABEL',
      `unknown key label ${JSON.stringify(label)}; expected one of ${KEY_LABELS.join(', ')}`,
    );
  }
}

/** C2SP signed-note key names: non-empty, no '+', no spaces or controls. */
export function checkKeyName(name: unknown): void {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 256 ||
    /[+\s\p{Cc}\p{Cs}]/u.test(name)
  ) {
    throw new KeyError('INVALID_KEY_NAME', `invalid signed-note key name ${JSON.stringify(name)}`);
  }
}
