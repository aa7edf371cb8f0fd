#!/usr/bin/env bash
# Each example of examples/ besides http-python3.12 (deploy_workflows_test.sh covers it) is
# deployed with `kraft cloud deploy -p 443:8080` from a private copy, against the real daemon and
# real QEMU VMs, and answers through the service proxy: http-c (built with `make` first, on
# base), nginx (nginx:1.22) and http-node (node:18). One instance at a time.
# Needs: curl, jq, gcc with static glibc (libc6-dev), qemu (scripts/install-deps.sh --test).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/deploy_helpers.sh"

deploy_setup base nginx node

# deploy_example NAME MEMORY EXPECTED: deploys the copy, fetches / once as deploy returns (no
# retry: the proxy holds the request until the app listens) and expects EXPECTED in it.
deploy_example() {
  local dir=$1 summary url rc
  summary=$(cd "$dir" && "$KRAFT" cloud deploy -p 443:8080 -M "$2" . 2>"$TEST_TMP/err")
  rc=$?
  expect_eq "$(basename "$dir"): deploy exits 0" 0 "$rc"
  ((rc == 0)) || sed 's/^/       /' "$TEST_TMP/err" | tail -20
  check "$(basename "$dir"): running" grep -Eq '^ ├─+ state: running +$' <<<"$summary"
  url=$(proxy_url "$TEST_TMP/err")
  check "$(basename "$dir"): the first request, sent as deploy returns, is answered" \
    grep -qF "$3" <<<"$(fetch_once "$url")"
  check "$(basename "$dir"): remove the instance" remove_all_instances
}

dir=$(copy_example http-c)
check "http-c: make builds the static server" make -s -C "$dir"
check "http-c: the binary is static" bash -c "file '$dir/http-server' | grep -q 'statically linked'"
deploy_example "$dir" 64 "Hello from C!"
check "http-c: image local/http-c in image list" \
  grep -Eq '^local/http-c +latest ' <<<"$("$KRAFT" cloud image list 2>/dev/null)"

deploy_example "$(copy_example nginx)" 128 "<h1>Hello from nginx!</h1>"
deploy_example "$(copy_example http-node)" 256 "Hello from Node.js!"

ukc_finish
