#!/usr/bin/env bash
# Sets up Vault for Saksi (ARCHITECTURE.md "Identity, policy, keys"); see RUNBOOK.md.
#
#   VAULT_ADDR=… VAULT_TOKEN=<admin or root token> infra/vault/setup.sh [--secret-ids DIR]
#
# 1. enables the Transit secrets engine (at $SAKSI_VAULT_MOUNT, default transit)
# 2. creates the keys, non-exportable and without plaintext backup:
#      saksi-log    ed25519       signs checkpoints (C2SP signed-note)
#      saksi-token  ed25519       signs bearer tokens
#      saksi-data   aes256-gcm96  its HMAC key derives data keys (never rotated)
# 3. writes the policies saksi-sequencer, saksi-api, saksi-key-admin (*.hcl here)
# 4. enables AppRole and creates the roles
#      saksi-sequencer  → saksi-sequencer           (signs with the log key)
#      saksi-api        → saksi-api                 (token key, data keys; no log signing)
#      saksi-node       → saksi-sequencer,saksi-api (one `saksi serve` process running both)
# 5. prints each role's role_id; with --secret-ids DIR also writes one fresh
#    secret ID per role to DIR/<role>.secret-id (mode 0600).
#
# Idempotent: run it again after changing a policy. It refuses to continue if an
# existing key is exportable or allows plaintext backup (its private key could
# leave Vault; such a key must be replaced, see RUNBOOK.md).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
mount="${SAKSI_VAULT_MOUNT:-transit}"
prefix="${SAKSI_VAULT_KEY_PREFIX:-saksi-}"
token_ttl="${SAKSI_VAULT_TOKEN_TTL:-1h}"
token_max_ttl="${SAKSI_VAULT_TOKEN_MAX_TTL:-24h}"
secret_dir=""

while [ $# -gt 0 ]; do
  case "$1" in
    --secret-ids) secret_dir="${2:?--secret-ids needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

command -v vault >/dev/null || { echo "setup.sh: the vault CLI is not on PATH" >&2; exit 1; }
: "${VAULT_ADDR:?set VAULT_ADDR}"
vault token lookup >/dev/null || { echo "setup.sh: no usable VAULT_TOKEN (vault login first)" >&2; exit 1; }

# 1. Transit
if ! vault secrets list -format=json | grep -q "\"${mount}/\""; then
  vault secrets enable -path="$mount" transit
fi

# 2. Keys. `vault write transit/keys/<name>` is an upsert: on an existing key it
# changes nothing, so check the flags that matter afterwards.
create_key() {
  local name="$1" type="$2"
  vault write "$mount/keys/$name" type="$type" exportable=false allow_plaintext_backup=false >/dev/null
  local got_type exportable backup
  got_type="$(vault read -field=type "$mount/keys/$name")"
  exportable="$(vault read -field=exportable "$mount/keys/$name")"
  backup="$(vault read -field=allow_plaintext_backup "$mount/keys/$name")"
  if [ "$got_type" != "$type" ] || [ "$exportable" != "false" ] || [ "$backup" != "false" ]; then
    echo "setup.sh: $mount/keys/$name is type=$got_type exportable=$exportable allow_plaintext_backup=$backup;" >&2
    echo "          Saksi needs type=$type exportable=false allow_plaintext_backup=false (RUNBOOK.md)" >&2
    exit 1
  fi
  echo "key $mount/keys/$name: $type, latest version $(vault read -field=latest_version "$mount/keys/$name")"
}
create_key "${prefix}log" ed25519
create_key "${prefix}token" ed25519
create_key "${prefix}data" aes256-gcm96

# 3. Policies, with the mount and prefix substituted into their paths.
for policy in saksi-sequencer saksi-api saksi-key-admin; do
  sed -e "s#\"transit/#\"${mount}/#" -e "s#/saksi-#/${prefix}#g" "$here/$policy.hcl" |
    vault policy write "$policy" - >/dev/null
  echo "policy $policy written"
done

# 4. AppRole. Service tokens, renewable up to token_max_ttl; Saksi renews them and
# logs in again before that (keys/vault-token.ts).
if ! vault auth list -format=json | grep -q '"approle/"'; then
  vault auth enable approle
fi
role() {
  local name="$1" policies="$2"
  vault write "auth/approle/role/$name" \
    token_policies="$policies" token_type=service \
    token_ttl="$token_ttl" token_max_ttl="$token_max_ttl" \
    secret_id_ttl=0 bind_secret_id=true >/dev/null
  echo "role $name: policies $policies; role_id $(vault read -field=role_id "auth/approle/role/$name/role-id")"
  if [ -n "$secret_dir" ]; then
    mkdir -p "$secret_dir" && chmod 700 "$secret_dir"
    (umask 077 && vault write -f -field=secret_id "auth/approle/role/$name/secret-id" >"$secret_dir/$name.secret-id")
    echo "  secret ID written to $secret_dir/$name.secret-id"
  fi
}
role saksi-sequencer saksi-sequencer
role saksi-api saksi-api
role saksi-node saksi-sequencer,saksi-api
