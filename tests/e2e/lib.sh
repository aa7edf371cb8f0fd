# Shared helpers for shell e2e tests: start a real ukc-emu on free ports in a temp data dir,
# count checks, clean up on exit. Source it, call ukc_start_daemon, use check/expect_eq, end
# with ukc_finish (prints "N passed, N failed" and exits non-zero on any failure).
#
# After ukc_start_daemon:
#   UKC_DATA      temp data dir          DAEMON_PID   pid of `ukc-emu up`
#   REG           registry host:port     API          api host:port
#   UKC_TOKEN     token of user `local`  CREDS        skopeo/podman --creds value for `local`
#   PROXY_HTTP    proxy port for :80     PROXY_TLS    proxy port for :443 (ephemeral ports)
#   UKC_CA        the local CA certificate (curl --cacert)
set -uo pipefail

UKC_EMU=${UKC_EMU:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bin/ukc-emu}
# The machine's runtime cache (kernel, accelerator probe result), kept when a test moves HOME.
export UKC_RUNTIME_CACHE=${UKC_RUNTIME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ukc-emu/runtimes}
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ukc-e2e.XXXXXX")
PASSED=0
FAILED=0
DAEMON_PID=""

ukc_cleanup() {
  ukc_stop_daemon
  if [[ -n "${UKC_KEEP_TEST_TMP:-}" ]]; then echo "# kept $TEST_TMP"; else rm -rf "$TEST_TMP"; fi
}
trap ukc_cleanup EXIT

# creds_from_token TOKEN -> "robot$user.users.kraftcloud:secret"
creds_from_token() { printf '%s' "$1" | base64 -d; }

# ukc_start_daemon [extra args...]: starts the daemon (reusing UKC_DATA if set) and waits for it.
ukc_start_daemon() {
  UKC_DATA=${UKC_DATA:-$TEST_TMP/data}
  mkdir -p "$UKC_DATA"
  rm -f "$UKC_DATA/run/daemon.json"
  "$UKC_EMU" up --data-dir "$UKC_DATA" --registry-addr 127.0.0.1:0 --api-addr 127.0.0.1:0 \
    --proxy-http-addr 127.0.0.1:0 --proxy-tls-addr 127.0.0.1:0 --log-level "${UKC_LOG_LEVEL:-debug}" "$@" >>"$TEST_TMP/daemon.log" 2>&1 &
  DAEMON_PID=$!
  for _ in $(seq 1 200); do
    [[ -s "$UKC_DATA/run/daemon.json" ]] && break
    kill -0 "$DAEMON_PID" 2>/dev/null || { echo "daemon died:"; cat "$TEST_TMP/daemon.log"; exit 1; }
    sleep 0.05
  done
  [[ -s "$UKC_DATA/run/daemon.json" ]] || { echo "daemon did not start"; cat "$TEST_TMP/daemon.log"; exit 1; }
  eval "$("$UKC_EMU" env --data-dir "$UKC_DATA")"
  REG=$UKC_REGISTRY
  API=${UKC_METRO#http://}; API=${API%/v1}
  CREDS=$(creds_from_token "$UKC_TOKEN")
  PROXY_HTTP=$(jq -r .proxy_http_port "$UKC_DATA/run/daemon.json")
  PROXY_TLS=$(jq -r .proxy_tls_port "$UKC_DATA/run/daemon.json")
  UKC_CA=$(jq -r .ca_cert "$UKC_DATA/run/daemon.json")
  export UKC_TOKEN UKC_METRO UKC_REGISTRY REG API CREDS PROXY_HTTP PROXY_TLS UKC_CA
}

ukc_stop_daemon() {
  if [[ -n "$DAEMON_PID" ]] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DAEMON_PID" 2>/dev/null
    wait "$DAEMON_PID" 2>/dev/null
  fi
  DAEMON_PID=""
}

ukc_kill9_daemon() {
  kill -KILL "$DAEMON_PID" 2>/dev/null
  wait "$DAEMON_PID" 2>/dev/null
  DAEMON_PID=""
}

# containers_sandbox: keeps skopeo/podman/buildah away from the host's config (own policy,
# registries.conf, auth file, tmp dir) and defines `sk ARGS…` (skopeo, bounded by SK_TIMEOUT s).
containers_sandbox() {
  mkdir -p "$TEST_TMP/sktmp"
  printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"$TEST_TMP/policy.json"
  printf 'unqualified-search-registries = []\n' >"$TEST_TMP/registries.conf"
  export CONTAINERS_REGISTRIES_CONF=$TEST_TMP/registries.conf
  export REGISTRY_AUTH_FILE=$TEST_TMP/auth.json
  export TMPDIR=$TEST_TMP/sktmp
}
# kraft_sandbox: KRAFT (the kraft binary beside ukc-emu), kraft's config and package store in the
# test's temp dir, and none of the caller's UKC/KraftCloud tokens or metros.
kraft_sandbox() {
  KRAFT=${KRAFT:-$(dirname "$UKC_EMU")/kraft}
  export HOME=$TEST_TMP/home KRAFTKIT_CONFIG_DIR=$TEST_TMP/kraftkit
  unset UNIKRAFTCLOUD_TOKEN KRAFTCLOUD_TOKEN KC_TOKEN UNIKRAFTCLOUD_METRO KRAFTCLOUD_METRO KC_METRO
}
sk() { timeout "${SK_TIMEOUT:-180}" skopeo --policy "$TEST_TMP/policy.json" --tmpdir "$TEST_TMP/sktmp" "$@"; }

# push_test_image REF: pushes a small kraftkit-format image (random kernel and initrd; Cmd
# "netdev.ip=1 -- /server 8080") to $REG/REF with skopeo, as a check. Needs containers_sandbox.
push_test_image() {
  local tools
  tools=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools" && pwd)
  head -c 200000 /dev/urandom >"$TEST_TMP/kernel"
  head -c 100000 /dev/urandom >"$TEST_TMP/initrd"
  python3 "$tools/make-unikraft-image.py" "$TEST_TMP/img" --kernel "$TEST_TMP/kernel" \
    --initrd "$TEST_TMP/initrd" --kernel-arg netdev.ip=1 --cmd /server --cmd 8080 >/dev/null
  check "push $1 with skopeo" sk copy --all --preserve-digests --dest-tls-verify=false \
    --dest-creds "$CREDS" "oci:$TEST_TMP/img:latest" "docker://$REG/$1"
}

# check NAME CMD...: runs CMD, counts pass/fail.
check() {
  local name=$1; shift
  if "$@" >"$TEST_TMP/check.out" 2>&1; then
    PASSED=$((PASSED + 1)); echo "ok   - $name"
  else
    FAILED=$((FAILED + 1)); echo "FAIL - $name"; sed 's/^/       /' "$TEST_TMP/check.out" | tail -20
  fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" == "$3" ]]; then
    PASSED=$((PASSED + 1)); echo "ok   - $1"
  else
    FAILED=$((FAILED + 1)); echo "FAIL - $1: expected [$2], got [$3]"
  fi
}

ukc_finish() {
  if [[ $FAILED -ne 0 && -f "$TEST_TMP/daemon.log" ]]; then
    echo "--- daemon log (tail)"; tail -40 "$TEST_TMP/daemon.log"
  fi
  echo "$PASSED passed, $FAILED failed"
  [[ $FAILED -eq 0 ]]
}
