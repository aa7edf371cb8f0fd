#!/usr/bin/env bash
# The platform API's images, quotas and health endpoints against the real daemon: what is pushed
# to the registry appears in GET /v1/images/list at once (kraftkit's deploy polls it), in every
# request shape clients send (no body, [{"tag"}], {"tag"}, [{"digest"}], ?tag=), scoped per user;
# bad requests get whole-request errors in the envelope; the envelope always has one data key and
# op_time_us.
source "$(dirname "$0")/lib.sh"
containers_sandbox

ukc_start_daemon
check "runtime build base succeeded" \
  timeout 600 "$UKC_EMU" runtime build --data-dir "$UKC_DATA" base

# A kraftkit-format image whose Cmd has kernel args before "--".
push_test_image local/app:v1
index_digest=$(sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/app:v1" |
  sha256sum | cut -d' ' -f1)

api() {  # api METHOD PATH [BODY] → body in $TEST_TMP/r.json, status in $TEST_TMP/r.code
  local args=(-s --max-time 10 -o "$TEST_TMP/r.json" -w '%{http_code}' -X "$1"
    -H "Authorization: Bearer ${TOKEN:-$UKC_TOKEN}" -H 'Content-Type: application/json')
  [[ $# -ge 3 ]] && args+=(--data "$3")
  curl "${args[@]}" "http://$API$2" >"$TEST_TMP/r.code"
}
jqr() { jq -r "$1" "$TEST_TMP/r.json"; }
envelope_ok() {  # one data key, op_time_us present
  [[ $(jqr '.data | keys | length') == 1 && $(jqr '.op_time_us | type') == number ]]
}

api GET /v1/images/list
expect_eq "list all: HTTP 200" 200 "$(cat "$TEST_TMP/r.code")"
check "list all: envelope has one data key and op_time_us" envelope_ok
expect_eq "list all: local/app:v1 is listed by its index digest" \
  "local/app@sha256:$index_digest" "$(jqr '.data.images[] | select(.tags | index("local/app:v1")) | .digest')"
expect_eq "list all: the official base runtime is listed without its namespace" "base:latest" \
  "$(jqr '.data.images[] | select(.digest | startswith("official/base@")) | .tags[0]')"
expect_eq "app: args after --" "/server 8080" "$(jqr '.data.images[] | select(.tags | index("local/app:v1")) | .args')"
expect_eq "app: kernel_args before --" "netdev.ip=1" \
  "$(jqr '.data.images[] | select(.tags | index("local/app:v1")) | .kernel_args')"
expect_eq "app: has an initrd" true "$(jqr '.data.images[] | select(.tags | index("local/app:v1")) | .initrd')"
check "app: size is the sum of its blobs (> kernel + initrd)" test \
  "$(jqr '.data.images[] | select(.tags | index("local/app:v1")) | .size_in_bytes')" -gt 300000

api GET /v1/images/list '[{"tag":"local/app:v1"}]'
expect_eq "lookup [{tag}]: one image" 1 "$(jqr '.data.images | length')"
api GET /v1/images/list '{"tag":"index.unikraft.io/local/app:v1"}'
expect_eq "lookup {tag} with the registry prefix: one image" 1 "$(jqr '.data.images | length')"
api GET "/v1/images/list" "[{\"digest\":\"local/app@sha256:$index_digest\"}]"
expect_eq "lookup [{digest}]: one image" 1 "$(jqr '.data.images | length')"
api GET "/v1/images?tag=base"
expect_eq "lookup ?tag=base (official, :latest implied): one image" "base:latest" "$(jqr '.data.images[0].tags[0]')"
api GET /v1/images/list '[{"tag":"local/nothing:latest"}]'
expect_eq "lookup of a missing tag: 200" 200 "$(cat "$TEST_TMP/r.code")"
expect_eq "lookup of a missing tag: success with no images" "success 0" "$(jqr '"\(.status) \(.data.images | length)"')"
api GET /v1/v1/images/list '[{"tag":"local/app:v1"}]'
expect_eq "a doubled /v1/v1 prefix works" 1 "$(jqr '.data.images | length')"

# Scoping: another user sees official images but not local's.
TOKEN=$("$UKC_EMU" user add bob --data-dir "$UKC_DATA") api GET /v1/images/list
check "bob sees no local/ image" bash -c "! jq -e '.data.images[] | select(.digest | startswith(\"local/\"))' '$TEST_TMP/r.json'"
check "bob sees official/base" jq -e '.data.images[] | select(.digest | startswith("official/base@"))' "$TEST_TMP/r.json"

# Whole-request errors.
api GET /v1/images/list '{not json'
expect_eq "bad JSON: 400" 400 "$(cat "$TEST_TMP/r.code")"
expect_eq "bad JSON: error envelope" "error" "$(jqr .status)"
api GET /v1/images/list '[{"tag":"local/app:v1","colour":"red"}]'
expect_eq "unknown field: 400" 400 "$(cat "$TEST_TMP/r.code")"
check "unknown field: named in the message" grep -q colour "$TEST_TMP/r.json"
api GET /v1/images/list '[{"tag":42}]'
expect_eq "ill-typed field: 400" 400 "$(cat "$TEST_TMP/r.code")"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$TEST_TMP/huge.json"
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $UKC_TOKEN" \
  --data-binary @"$TEST_TMP/huge.json" -X GET "http://$API/v1/images/list")
expect_eq "huge body: 413" 413 "$code"
TOKEN=bm90LWEtdG9rZW4= api GET /v1/images/list
expect_eq "invalid token: 401" 401 "$(cat "$TEST_TMP/r.code")"
api POST /v1/nothing '[]'
expect_eq "unknown endpoint: 404 No API endpoint" "404 No API endpoint" "$(cat "$TEST_TMP/r.code") $(jqr .message)"

# Quotas and health.
api GET /v1/users/quotas
check "quotas: envelope" envelope_ok
expect_eq "quotas: limits and usage present" "16 0 2048" \
  "$(jqr '"\(.data.quotas[0].hard.instances) \(.data.quotas[0].used.instances) \(.data.quotas[0].limits.max_memory_mb)"')"
api GET /v1/healthz
expect_eq "healthz: success" success "$(jqr .status)"

ukc_finish
