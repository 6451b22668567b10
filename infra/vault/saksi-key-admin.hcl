# Vault policy for the operator who creates and rotates Saksi's Transit keys
# (infra/vault/RUNBOOK.md), for use instead of a root token. Services never get it.
#
# `update` on transit/keys/<name> creates the key (an upsert: on an existing key
# it changes nothing). Still NOT granted: .../config (exportable, min versions,
# deletion_allowed), DELETE, export and backup.

path "transit/keys/saksi-log" {
  capabilities = ["read", "update"]
}
path "transit/keys/saksi-log/rotate" {
  capabilities = ["update"]
}
path "transit/keys/saksi-token" {
  capabilities = ["read", "update"]
}
path "transit/keys/saksi-token/rotate" {
  capabilities = ["update"]
}

# The data-key key is created once and never rotated (data keys are pinned to v1).
path "transit/keys/saksi-data" {
  capabilities = ["read", "update"]
}
