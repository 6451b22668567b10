# Vault policy for the Saksi sequencer: it signs checkpoints with the log key
# and can do nothing else with Transit. Token self-service (lookup-self,
# renew-self, revoke-self) comes from Vault's built-in `default` policy.
#
# Deliberately NOT granted, here or to any service role:
#   transit/keys/saksi-log/config  (could set exportable=true or min versions)
#   transit/keys/saksi-log/rotate  (rotation is an operator act: saksi-key-admin)
#   transit/export/*, transit/backup/*  (keys never leave Vault)
#   transit/sign/saksi-log/*       (no other hash algorithms; Ed25519 is pure)

# Public keys of every version of the log key (GET returns no private material).
path "transit/keys/saksi-log" {
  capabilities = ["read"]
}

# Sign a checkpoint: POST transit/sign/saksi-log with key_version pinned.
path "transit/sign/saksi-log" {
  capabilities = ["update"]
}
