# Vault policy for the Saksi API: it signs bearer tokens with the token key,
# reads the log key's public keys (to publish the verifier key and check old
# checkpoints), and derives data keys. It cannot sign with the log key: only the
# sequencer vouches for the log. Token self-service comes from `default`.
#
# Deliberately NOT granted: transit/sign/saksi-log, .../rotate, any other
# .../config or config parameter, transit/export/*, transit/backup/*,
# transit/datakey/*, transit/decrypt/*.

# Bearer tokens: public keys, and signing with key_version pinned.
path "transit/keys/saksi-token" {
  capabilities = ["read"]
}
path "transit/sign/saksi-token" {
  capabilities = ["update"]
}
# Retiring old token-key versions (POST /v1/keys/retire, docs/keys.md): the two
# watermarks only, so this grant cannot make the key exportable.
path "transit/keys/saksi-token/config" {
  capabilities = ["update"]
  allowed_parameters = {
    "min_decryption_version" = []
    "min_encryption_version" = []
  }
}

# The log key's public keys only.
path "transit/keys/saksi-log" {
  capabilities = ["read"]
}

# Data keys: HMAC-SHA-256 under saksi-data v1 (keys/vault-keystore.ts dataKey).
path "transit/keys/saksi-data" {
  capabilities = ["read"]
}
path "transit/hmac/saksi-data/sha2-256" {
  capabilities = ["update"]
}
