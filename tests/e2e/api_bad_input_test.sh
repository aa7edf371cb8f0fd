#!/usr/bin/env bash
# Bad input to the instance endpoints against the real daemon (UKC_VMM=fake): malformed JSON,
# unknown fields (top level and nested), wrong types, huge bodies, unknown images, duplicate names,
# another user's token, missing/invalid tokens, wrong methods, out-of-range values, forbidden
# combinations, unknown features, invalid wait states, integer overflow. Each gets the status,
# envelope and message of ukc-api.md §2.2/§2.3, parsed strictly (api_strict_check.py), and after
# each one the account is unchanged: same instance list (uuid, name, state, start count, ...) and
# the same quota usage.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/api_helpers.sh"
containers_sandbox
export UKC_VMM=fake

ukc_start_daemon
push_test_image local/http-server:latest
IMG=local/http-server:latest

# Two instances to guard: one running, one stopped.
api g1 POST /v1/instances "{\"name\":\"keep-running\",\"image\":\"$IMG\",\"autostart\":true,\"wait_timeout_ms\":5000}"
expect_eq "setup: keep-running is running" running "$(jqr '.data.instances[0].state')"
run_uuid=$(jqr '.data.instances[0].uuid')
api g1 POST /v1/instances "{\"name\":\"keep-stopped\",\"image\":\"$IMG\",\"autostart\":false}"
expect_eq "setup: keep-stopped is stopped" stopped "$(jqr '.data.instances[0].state')"
stop_uuid=$(jqr '.data.instances[0].uuid')

snapshot() {  # the account's observable state (without timers that move on their own)
  local out=$TEST_TMP/snap.json code
  code=$(curl -s --max-time 10 -o "$out" -w '%{http_code}' -H "Authorization: Bearer $UKC_TOKEN" \
    "http://$API/v1/instances")
  [[ $code == 200 ]] || { echo "list failed: $code"; return; }
  jq -c '[.data.instances[] | {uuid, name, state, image, memory_mb, vcpus, args, env, start_count,
    restart_count, started_at, stopped_at, stop_reason, restart_policy, scale_to_zero,
    private_ip}] | sort_by(.name)' "$out"
  curl -s --max-time 10 -H "Authorization: Bearer $UKC_TOKEN" "http://$API/v1/users/quotas" |
    jq -c '.data.quotas[0].used'
}
baseline=$(snapshot)
check "setup: baseline lists both instances" grep -q keep-stopped <<<"$baseline"
unchanged() { expect_eq "$1: instances and quota usage unchanged" "$baseline" "$(snapshot)"; }

# --- malformed JSON -------------------------------------------------------------------------
api g1 POST /v1/instances '{"image":'
last_error "create: truncated JSON" 400 'JSON'
unchanged "create: truncated JSON"
api g1 POST /v1/instances "{\"image\":\"$IMG\",}"
last_error "create: trailing comma" 400 'JSON'
api g1 GET /v1/instances '[{"name":"keep-running"'
last_error "get: truncated JSON" 400 'JSON'
api g1 PUT /v1/instances/stop "[{\"uuid\":\"$run_uuid\"}]]"
last_error "stop: trailing garbage" 400 'JSON'
api g1 PUT /v1/instances/stop $'[{"name":"keep-running\xff"}]'
last_error "stop: invalid UTF-8" 400 'JSON'
unchanged "stop: malformed JSON"
api g1 DELETE /v1/instances '"keep-running"'
last_error "delete: a JSON string body" 400 'array|object'
api g1 DELETE /v1/instances '[1]'
last_error "delete: a non-object item" 400 'object'
api g1 DELETE /v1/instances
last_error "delete with no body never means all" 400 'No instances given'
api g1 DELETE /v1/instances '[]'
last_error "delete with [] never means all" 400 'No instances given'
unchanged "delete: bad bodies"
python3 -c 'print("[" * 400000 + "]" * 400000)' >"$TEST_TMP/deep.json"
api g1 GET /v1/instances @"$TEST_TMP/deep.json"
check "deeply nested JSON: a 4xx" grep -Eq '^4' <<<"$CODE"
check "deeply nested JSON: the daemon survives" kill -0 "$DAEMON_PID"
unchanged "deeply nested JSON"

# --- unknown fields ---------------------------------------------------------------------------
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"colour\":\"red\"}"
last_error "create: unknown top-level field" 400 "colour"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"scale_to_zero\":{\"policy\":\"off\",\"bogus\":1}}"
last_error "create: unknown nested field scale_to_zero.bogus" 400 "scale_to_zero\\.bogus"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"service_group\":{\"services\":[{\"port\":443,\"destination_port\":8080,\"handlers\":[\"http\",\"tls\"],\"bogus\":1}]}}"
last_error "create: unknown field in a service" 400 "bogus"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"service_group\":{\"services\":[],\"bogus\":1}}"
last_error "create: unknown field in service_group" 400 "service_group\\.bogus"
unchanged "create: unknown fields"
api g1 PUT /v1/instances/stop "[{\"uuid\":\"$run_uuid\",\"force\":true,\"bogus\":1}]"
last_error "stop: unknown item field" 400 "bogus"
api g1 PUT /v1/instances/stop "[{\"uuid\":\"$run_uuid\",\"force\":true},{\"uuid\":\"$stop_uuid\",\"bogus\":1}]"
last_error "stop: one bad item refuses the whole batch" 400 "bogus"
api g1 GET /v1/instances "[{\"name\":\"keep-running\",\"colour\":\"red\"}]"
last_error "get: unknown item field" 400 "colour"
api g1 GET /v1/instances/wait "[{\"name\":\"keep-running\",\"state\":\"running\",\"timeout_ms\":10,\"foo\":1}]"
last_error "wait: unknown item field" 400 "foo"
unchanged "unknown item fields"

# --- wrong types --------------------------------------------------------------------------------
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"memory_mb\":\"x\"}"
last_error 'create: memory_mb:"x"' 400 "memory_mb"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"memory_mb\":128.5}"
last_error "create: memory_mb:128.5" 400 "memory_mb"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"env\":{\"A\":1}}"
last_error "create: a non-string env value" 400 "env"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"env\":[\"A=1\"]}"
last_error "create: env as an array" 400 "env"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"args\":\"/server 8080\"}"
last_error "create: args not an array" 400 "args"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"args\":[\"/server\",8080]}"
last_error "create: a non-string arg" 400 "args"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"autostart\":\"true\"}"
last_error "create: autostart as a string" 400 "autostart"
api g1 POST /v1/instances '{"image":42}'
last_error "create: image as a number" 400 "image"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"service_group\":{\"services\":[{\"port\":443,\"destination_port\":\"8080\",\"handlers\":[\"http\",\"tls\"]}]}}"
last_error "create: destination_port as a string" 400 "destination_port"
check "create: destination_port as a string: the daemon survives" kill -0 "$DAEMON_PID"
api g1 POST /v1/instances "[{\"image\":\"$IMG\"}]"
last_error "create: an array body" 400 "object"
unchanged "create: wrong types"
api g1 PUT /v1/instances/stop "[{\"uuid\":\"$run_uuid\",\"force\":\"true\"}]"
last_error "stop: force as a string" 400 "force"
api g1 PUT /v1/instances/stop "[{\"uuid\":\"$run_uuid\",\"drain_timeout_ms\":\"60\"}]"
last_error "stop: drain_timeout_ms as a string" 400 "drain_timeout_ms"
api g1 GET /v1/instances/log "[{\"uuid\":\"$run_uuid\",\"offset\":\"x\",\"limit\":10}]"
last_error "log: offset as a string" 400 "offset"
api g1 GET /v1/instances "[{\"uuid\":42}]"
last_error "get: uuid as a number" 400 "uuid"
api g3 PUT "/v1/instances/$run_uuid/stop?force=yes"
last_error "stop: ?force=yes" 400 "force"
api g3 PUT "/v1/instances/$stop_uuid/start?wait_timeout_ms=soon"
last_error "start: ?wait_timeout_ms=soon" 400 "wait_timeout_ms"
unchanged "lifecycle: wrong types"

# --- huge bodies --------------------------------------------------------------------------------
python3 -c "
import json
print(json.dumps({'image': '$IMG', 'env': {'K%d' % i: 'v' * 100 for i in range(11000)}}))
" >"$TEST_TMP/huge.json"
api g1 POST /v1/instances @"$TEST_TMP/huge.json"
last_error "create: a body over 1 MiB" 413 "large"
head -c 1100000 /dev/zero | tr '\0' ' ' >"$TEST_TMP/spaces.json"
api g1 GET /v1/instances @"$TEST_TMP/spaces.json"
last_error "get: a body over 1 MiB" 413 "large"
check "huge bodies: the daemon survives" kill -0 "$DAEMON_PID"
unchanged "huge bodies"

# --- unknown image, duplicate names ---------------------------------------------------------------
api g1 POST /v1/instances '{"image":"local/nothing:latest","autostart":true}'
last_item_error "create: unknown image" 8 "local/nothing:latest"
api g1 POST /v1/instances '{"image":"nothing:latest"}'
last_item_error "create: unknown official image" 8 "nothing"
api g1 POST /v1/instances "{\"name\":\"keep-running\",\"image\":\"$IMG\",\"autostart\":true}"
last_item_error "create: duplicate name" 23 "keep-running"
expect_eq "create: duplicate name: the item names it" keep-running "$(jqr '.data.instances[0].name')"
api g1 POST /v1/instances "{\"name\":\"keep-stopped\",\"image\":\"$IMG\",\"replicas\":3}"
last_item_error "create: duplicate name with replicas" 23 "keep-stopped"
unchanged "unknown images and duplicate names"

# --- out of range -------------------------------------------------------------------------------
for bad in '"memory_mb":8' '"memory_mb":4096' '"memory_mb":-1' '"vcpus":0' '"vcpus":64' \
  '"replicas":-1' '"replicas":254'; do
  api g1 POST /v1/instances "{\"image\":\"$IMG\",$bad}"
  field=${bad#\"}
  last_item_error "create: $bad out of range" 7 "^${field%%\"*} must be between"
  expect_eq "create: $bad: nothing created" 0 "$(jqr '[.data.instances[] | select(.status == "success")] | length')"
done
# Integers that do not fit the field must not wrap around into range (2^32 + 128, 2^32 + 1).
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"memory_mb\":4294967424}"
check "create: memory_mb 2^32+128 is refused" test "$(jqr '.status')" == error
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"replicas\":4294967297}"
check "create: replicas 2^32+1 is refused" test "$(jqr '.status')" == error
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"memory_mb\":99999999999999999999999}"
check "create: memory_mb beyond 64 bits is refused" test "$(jqr '.status')" == error
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"replicas\":20}"
last_item_error "create: replicas beyond the instance quota" 19 "[Qq]uota"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"scale_to_zero\":{\"policy\":\"on\",\"cooldown_time_ms\":86400001}}"
last_error "create: scale_to_zero.cooldown_time_ms out of range" 400 "cooldown_time_ms"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"$(printf 'n%.0s' {1..256})\"}"
check "create: a 256-character name is refused" test "$(jqr '.status')" == error
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"bad name!\"}"
last_item_error "create: an invalid name" 7 "bad name!"
unchanged "out of range values"

# --- forbidden combinations, unknown enums ------------------------------------------------------
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"restart_policy\":\"always\",\"features\":[\"delete-on-stop\"]}"
last_item_error "create: restart_policy + delete-on-stop" 7 "delete-on-stop"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"restart_policy\":\"on-failure\",\"features\":[\"delete-on-stop\"]}"
last_item_error "create: on-failure + delete-on-stop" 7 "delete-on-stop"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"features\":[\"delete-on-stop\"],\"scale_to_zero\":{\"policy\":\"on\"},\"service_group\":{\"services\":[{\"port\":443,\"destination_port\":8080,\"handlers\":[\"http\",\"tls\"]}]}}"
last_item_error "create: scale_to_zero + delete-on-stop" 7 "delete-on-stop"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"features\":[\"turbo\"]}"
last_item_error "create: unknown feature" 7 "turbo"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"restart_policy\":\"sometimes\"}"
last_item_error "create: unknown restart_policy" 7 "sometimes"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"scale_to_zero\":{\"policy\":\"maybe\"}}"
last_error "create: unknown scale_to_zero policy" 400 "maybe"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"scale_to_zero\":{\"cooldown_time_ms\":86400001}}"
last_error "create: scale_to_zero cooldown out of range" 400 "cooldown_time_ms"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"wait_timeout_ms\":1000}"
last_item_error "create: wait_timeout_ms without autostart" 7 "autostart"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"service_group\":{\"services\":[{\"port\":8080,\"handlers\":[\"http\"]}]}}"
last_item_error "create: port rules (8080 with http)" 7 "8080"
api g1 POST /v1/instances '{"autostart":true}'
last_item_error "create: no image" 7 "image"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"volumes\":[{\"name\":\"data\",\"at\":\"/data\"}]}"
last_item_error "create: volumes are not emulated" 1 "volumes"
unchanged "forbidden combinations"

# --- identity errors ------------------------------------------------------------------------------
api g1 PUT /v1/instances/stop "[{\"uuid\":\"$run_uuid\",\"name\":\"keep-running\",\"force\":true}]"
last_item_error "stop: both uuid and name" 17 "uuid"
api g1 PUT /v1/instances/stop '[{"force":true}]'
last_item_error "stop: neither uuid nor name" 13 ""
api g1 PUT /v1/instances/stop '[{"uuid":"keep-running","force":true}]'
last_item_error "stop: a name in the uuid field" 7 "^Invalid uuid 'keep-running'$"
api g1 PUT /v1/instances/stop '[]'
last_error "stop: an empty batch" 400 "No instances given"
unchanged "identity errors"

# --- wait: invalid state, time out ------------------------------------------------------------
api g1 GET /v1/instances/wait "[{\"uuid\":\"$run_uuid\",\"state\":\"sleeping\",\"timeout_ms\":10}]"
last_error "wait: an invalid state" 400 "sleeping"
api g3 GET "/v1/instances/$run_uuid/wait" '{"state":"RUNNING"}'
last_error "wait: a state in the wrong case" 400 "RUNNING"
api g1 GET /v1/instances/wait "[{\"uuid\":\"$run_uuid\",\"state\":\"stopped\",\"timeout_ms\":300}]"
last_item_error "wait: timed out" 12 "[Tt]imed out"
expect_eq "wait: timed out: the item reports the current state" running "$(jqr '.data.instances[0].state')"
unchanged "wait errors"

# --- wrong methods and unknown paths -------------------------------------------------------------
for req in "POST /v1/instances/start" "GET /v1/instances/stop" "PUT /v1/instances" \
  "POST /v1/instances/$run_uuid" "DELETE /v1/instances/log" "POST /v1/instances/wait" \
  "GET /v1/instances/$run_uuid/bogus" "GET /v1/instances/a/b/c" "GET /v1/instancez"; do
  api g1 ${req% *} "${req#* }" "[{\"uuid\":\"$run_uuid\"}]"
  last_error "$req" 404 "^No API endpoint$"
done
unchanged "wrong methods"

# --- authentication -----------------------------------------------------------------------------
NO_AUTH=1 api g1 GET /v1/instances
last_error "no token" 401 "."
NO_AUTH=1 api g1 PUT /v1/instances/stop "[{\"uuid\":\"$run_uuid\",\"force\":true}]"
last_error "no token: stop" 401 "."
TOKEN=bm90LWEtdG9rZW4= api g1 GET /v1/instances
last_error "a token without a colon" 401 "."
TOKEN=$(printf 'robot$local.users.kraftcloud:wrong' | base64 -w0) api g1 DELETE /v1/instances \
  "[{\"uuid\":\"$run_uuid\"}]"
last_error "a wrong secret: delete" 401 "."
TOKEN='%%%not base64%%%' api g1 GET /v1/instances
last_error "a token that is not base64" 401 "."
code=$(curl -s -o "$TEST_TMP/r.json" -w '%{http_code}' -H "Authorization: Token $UKC_TOKEN" \
  "http://$API/v1/instances")
expect_eq "an unknown authorization scheme: 401" 401 "$code"
unchanged "authentication"

# --- another user's token ---------------------------------------------------------------------------
BOB=$("$UKC_EMU" user add bob --data-dir "$UKC_DATA")
check "bob added while the daemon runs" test -n "$BOB"
TOKEN=$BOB api g1 GET /v1/instances
last_ok "bob lists" instances
expect_eq "bob sees no instances" 0 "$(jqr '.data.instances | length')"
TOKEN=$BOB api g1 GET /v1/instances "[{\"uuid\":\"$run_uuid\"},{\"name\":\"keep-stopped\"}]"
last_item_error "bob gets alice's instance by uuid" 8 "No instance with uuid '$run_uuid'" 0
last_item_error "bob gets alice's instance by name" 8 "No instance with name 'keep-stopped'" 1
TOKEN=$BOB api g3 GET "/v1/instances/$run_uuid"
last_item_error "bob local-scope get" 8 "$run_uuid"
TOKEN=$BOB api g1 PUT /v1/instances/stop "[{\"uuid\":\"$run_uuid\",\"force\":true}]"
last_item_error "bob cannot stop alice's instance" 8 "$run_uuid"
TOKEN=$BOB api g3 PUT "/v1/instances/$run_uuid/stop?force=true"
last_item_error "bob cannot stop it in local scope" 8 "$run_uuid"
TOKEN=$BOB api g1 PUT /v1/instances/start '[{"name":"keep-stopped"}]'
last_item_error "bob cannot start alice's instance" 8 "keep-stopped"
TOKEN=$BOB api g1 DELETE /v1/instances "[{\"uuid\":\"$run_uuid\"},{\"name\":\"keep-stopped\"}]"
last_item_error "bob cannot delete alice's instances" 8 "$run_uuid" 0
last_item_error "bob cannot delete alice's instances by name" 8 "keep-stopped" 1
TOKEN=$BOB api g3 DELETE "/v1/instances/$stop_uuid"
last_item_error "bob cannot delete in local scope" 8 "$stop_uuid"
TOKEN=$BOB api g1 GET /v1/instances/log "[{\"uuid\":\"$run_uuid\",\"offset\":0,\"limit\":100}]"
last_item_error "bob cannot read alice's log" 8 "$run_uuid"
TOKEN=$BOB api g1 GET /v1/instances/metrics "[{\"uuid\":\"$run_uuid\"}]"
last_item_error "bob cannot read alice's metrics" 8 "$run_uuid"
TOKEN=$BOB api g1 GET /v1/instances/wait "[{\"uuid\":\"$run_uuid\",\"state\":\"running\",\"timeout_ms\":10}]"
last_item_error "bob cannot wait on alice's instance" 8 "$run_uuid"
TOKEN=$BOB api g1 POST /v1/instances "{\"image\":\"$IMG\"}"
last_item_error "bob cannot use alice's image" 8 "$IMG"
TOKEN=$BOB api g1 GET /v1/users/quotas
expect_eq "bob's quota usage is his own" 0 "$(jqr '.data.quotas[0].used.instances')"
unchanged "another user's token"
# Names are unique per account: bob may use alice's names for his own instance.
CREDS=$(creds_from_token "$BOB") push_test_image bob/http-server:latest
TOKEN=$BOB api g1 POST /v1/instances '{"name":"keep-running","image":"bob/http-server:latest"}'
last_ok "bob creates his own keep-running" instances
expect_eq "bob's keep-running is created" success "$(jqr '.data.instances[0].status')"
bob_uuid=$(jqr '.data.instances[0].uuid')
api g1 GET /v1/instances "[{\"uuid\":\"$bob_uuid\"}]"
last_item_error "alice cannot see bob's instance" 8 "$bob_uuid"
api g1 GET /v1/instances '[{"name":"keep-running"}]'
expect_eq "alice's keep-running is still hers" "$run_uuid" "$(jqr '.data.instances[0].uuid')"
unchanged "bob's own instance"

ukc_finish
