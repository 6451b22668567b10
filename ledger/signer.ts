/**
 * What the ledger needs from the key service: a named Ed25519 signer. Keys are
 * references, never values (CONVENTIONS.md §7): the ledger gets an object that
 * signs, whether the private key lives in a local keystore or in Vault Transit.
 */
export interface NoteSigner {
  /** The signed-note key name; for the log key this is the checkpoint origin. */
  readonly name: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Ed25519 signature (64 bytes) over `message`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}
