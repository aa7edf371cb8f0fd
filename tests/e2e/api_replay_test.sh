#!/usr/bin/env bash
# Replays the exact instance request shapes of every client generation (ukc-api.md §0, §2.4, §4,
# §6, §13) against the real daemon with in-memory VMs (UKC_VMM=fake), and parses every answer as
# strictly as those clients do (api_strict_check.py): kraftkit / sdk.kraft.cloud (G1: JSON array
# bodies on GET, Content-Type on body-less GETs, Connection: close, /instances/list, wait, log
# tail), OpenAPI 0.6 (G2: local scope, query parameters, PUT wait), v1.0 (G3: object bodies,
# timeout_s, /v1/v1 prefix, ?details=false), the newest SDKs (?uuid=&uuid=, ?name=), identity
# quirks, partially failing batches, duplicate names, replicas. Asserts behaviour, not only shapes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/api_helpers.sh"
containers_sandbox
export UKC_VMM=fake

ukc_start_daemon
push_test_image local/http-server:latest

hex64='[0-9a-f]{64}'
name_re='^http-server-[a-z0-9]{5}$'
uuid_re='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
matches() { [[ $2 =~ $1 ]]; }

# ---------------------------------------------------------------------------------------------
# G1: kraftkit 0.12 / sdk.kraft.cloud
# ---------------------------------------------------------------------------------------------
api g1 GET /v1/images/list '[{"tag":"local/http-server:latest"}]'
last_ok "g1 image lookup [{tag}]" images
digest=$(jqr '.data.images[0].digest')
check "g1 image lookup: digest is local/http-server@sha256:<hex>" \
  matches "^local/http-server@sha256:$hex64\$" "$digest"

# `kraft cloud instance create --start -e A=1 local/http-server:latest` (no ports: kraftkit forces
# scale_to_zero off, sends args as one string, autostart and restart_policy always).
api g1 POST /v1/instances '{"image":"local/http-server:latest","args":["/server 8080"],
  "env":{"A":"1"},"memory_mb":256,"autostart":true,"restart_policy":"never",
  "scale_to_zero":{"policy":"off"},"features":[],"replicas":0}'
last_ok "g1 create" instances
expect_eq "g1 create: one item, success" "1 success" \
  "$(jqr '"\(.data.instances | length) \(.data.instances[0].status)"')"
g1_uuid=$(jqr '.data.instances[0].uuid')
g1_name=$(jqr '.data.instances[0].name')
check "g1 create: uuid is an RFC 4122 v4 uuid" matches "$uuid_re" "$g1_uuid"
check "g1 create: name is <image basename>-<5 [a-z0-9]>" matches "$name_re" "$g1_name"
expect_eq "g1 create: private_fqdn is <name>.internal" "$g1_name.internal" \
  "$(jqr '.data.instances[0].private_fqdn')"
check "g1 create: private_ip in 172.16.0.0/12" matches '^172\.(1[6-9]|2[0-9]|3[01])\.[0-9]+\.[0-9]+$' \
  "$(jqr '.data.instances[0].private_ip')"
check "g1 create: state starting or running" matches '^(starting|running)$' \
  "$(jqr '.data.instances[0].state')"

api g1 GET /v1/instances/wait "[{\"uuid\":\"$g1_uuid\",\"state\":\"running\",\"timeout_ms\":10000}]"
last_ok "g1 wait running" instances
expect_eq "g1 wait: reached running" "success running $g1_name" \
  "$(jqr '.data.instances[0] | "\(.status) \(.state) \(.name)"')"

api g1 GET /v1/instances "[{\"name\":\"$g1_name\"}]"
last_ok "g1 get by name" instances
expect_eq "g1 get: the instance, running, started once" "success $g1_uuid running 1" \
  "$(jqr '.data.instances[0] | "\(.status) \(.uuid) \(.state) \(.start_count)"')"
check "g1 get: image is <user>/<app>@sha256:<64 hex> (the pinned digest)" matches \
  "^local/http-server@sha256:$hex64\$" "$(jqr '.data.instances[0].image')"
expect_eq "g1 get: image is the digest the tag pointed to" "$digest" "$(jqr '.data.instances[0].image')"
expect_eq "g1 get: request fields kept" '256 1 ["/server 8080"] {"A":"1"} never off' \
  "$(jqr '.data.instances[0] | "\(.memory_mb) \(.vcpus) \(.args | tojson) \(.env | tojson) \(.restart_policy) \(.scale_to_zero.policy)"')"
check "g1 get: created_at and started_at are set" \
  test -n "$(jqr '.data.instances[0] | select(.created_at != "" and .started_at != "") | .uuid')"
expect_eq "g1 get: private_fqdn" "$g1_name.internal" "$(jqr '.data.instances[0].private_fqdn')"
check "g1 get: network interface MAC is 12:b0: + the IP's octets" python3 -c '
import json, sys
i = json.load(open(sys.argv[1]))["data"]["instances"][0]
n = i["network_interfaces"][0]
assert n["private_ip"] == i["private_ip"], n
assert n["mac"] == "12:b0:" + ":".join("%02x" % int(o) for o in n["private_ip"].split(".")), n
' "$TEST_TMP/r.json"

api g1 GET /v1/instances "[{\"uuid\":\"$g1_uuid\"}]"
last_ok "g1 get by uuid" instances
expect_eq "g1 get by uuid: the instance" "success $g1_name" "$(jqr '.data.instances[0] | "\(.status) \(.name)"')"

api g1 GET /v1/instances/list
last_ok "g1 old /instances/list (body-less GET with Content-Type)" instances
check "g1 /instances/list: lists the instance" \
  test "$(jqr ".data.instances[] | select(.uuid == \"$g1_uuid\") | .name")" == "$g1_name"

api g1 GET /v1/instances
last_ok "g1 list all (no body)" instances
expect_eq "g1 list all: one instance, no per-item status" "1 null" \
  "$(jqr '"\(.data.instances | length) \(.data.instances[0].status)"')"

# Log tail exactly as TailLogs pages it.
api g1 GET /v1/instances/log "[{\"name\":\"$g1_name\",\"offset\":-16383,\"limit\":16383}]"
last_ok "g1 log tail page" instances
check "g1 log: the console line of the VM" grep -q 'ukc-emu fake VM: the app started' \
  <<<"$(jqr '.data.instances[0].output' | base64 -d)"
log_end=$(jqr '.data.instances[0].available.end')
expect_eq "g1 log: short log → range [0, available.end)" "0 $log_end" \
  "$(jqr '.data.instances[0].range | "\(.start) \(.end)"')"
expect_eq "g1 log: item state" running "$(jqr '.data.instances[0].state')"
api g1 GET /v1/instances/log "[{\"name\":\"$g1_name\",\"offset\":$log_end,\"limit\":16383}]"
last_ok "g1 log follow from available.end" instances
expect_eq "g1 log follow: nothing new, range at the end" "$log_end $log_end" \
  "$(jqr '.data.instances[0] | "\(.range.start) \(.range.end) \(.output)"' | sed 's/ $//')"
api g1 GET /v1/instances/log "[{\"name\":\"$g1_name\",\"offset\":4,\"limit\":7}]"
last_ok "g1 log window" instances
expect_eq "g1 log window: bytes 4..11" "$(printf 'ukc-emu fake VM' | cut -c5-11)" \
  "$(jqr '.data.instances[0].output' | base64 -d)"

api g1 GET /v1/instances/metrics "[{\"uuid\":\"$g1_uuid\"}]"
last_ok "g1 metrics" instances
expect_eq "g1 metrics: running, started once" "success running 1" \
  "$(jqr '.data.instances[0] | "\(.status) \(.state) \(.start_count)"')"

# kraftkit rollout stop: drain_timeout_ms 60 (sic), force false.
api g1 PUT /v1/instances/stop "[{\"uuid\":\"$g1_uuid\",\"force\":false,\"drain_timeout_ms\":60}]"
last_ok "g1 stop with drain_timeout_ms 60" instances
expect_eq "g1 stop: previous running, now draining/stopping/stopped" "success running ok" \
  "$(jqr '.data.instances[0] | "\(.status) \(.previous_state) \(if (.state | test("^(draining|stopping|stopped)$")) then "ok" else .state end)"')"
api g1 GET /v1/instances/wait "[{\"uuid\":\"$g1_uuid\",\"state\":\"stopped\",\"timeout_ms\":10000}]"
last_ok "g1 wait stopped" instances
expect_eq "g1 wait stopped: stopped" "success stopped" "$(jqr '.data.instances[0] | "\(.status) \(.state)"')"
api g1 GET /v1/instances "[{\"uuid\":\"$g1_uuid\"}]"
last_ok "g1 get after stop" instances
stop_reason=$(jqr '.data.instances[0].stop_reason')
check "g1 after a user stop: stop_reason $stop_reason has the U and P bits, not F" \
  test $((stop_reason & 28)) -eq 12
check "g1 after a user stop: stopped_at set" test -n "$(jqr '.data.instances[0].stopped_at')"

# Start with a wait (G1 adds wait_timeout_ms only if > 0).
api g1 PUT /v1/instances/start "[{\"uuid\":\"$g1_uuid\",\"wait_timeout_ms\":5000}]"
last_ok "g1 start with wait_timeout_ms" instances
expect_eq "g1 start: waited until running" "success stopped running" \
  "$(jqr '.data.instances[0] | "\(.status) \(.previous_state) \(.state)"')"
api g1 PUT /v1/instances/start "[{\"name\":\"$g1_name\"}]"
last_ok "g1 start a running instance" instances
expect_eq "g1 start on running is a no-op success" "success running running" \
  "$(jqr '.data.instances[0] | "\(.status) \(.previous_state) \(.state)"')"
api g1 PUT /v1/instances/stop "[{\"name\":\"$g1_name\",\"force\":true}]"
last_ok "g1 force stop" instances
api g1 GET /v1/instances/wait "[{\"name\":\"$g1_name\",\"state\":\"stopped\",\"timeout_ms\":10000}]"
api g1 GET /v1/instances "[{\"name\":\"$g1_name\"}]"
last_ok "g1 get after force stop" instances
expect_eq "g1 force stop: stopped, stop_reason 28 (FUP), started twice" "stopped 28 2" \
  "$(jqr '.data.instances[0] | "\(.state) \(.stop_reason) \(.start_count)"')"
api g1 PUT /v1/instances/stop "[{\"name\":\"$g1_name\",\"force\":false}]"
last_ok "g1 stop a stopped instance" instances
expect_eq "g1 stop on stopped is a no-op success" "success stopped stopped" \
  "$(jqr '.data.instances[0] | "\(.status) \(.previous_state) \(.state)"')"

# ---------------------------------------------------------------------------------------------
# G2: OpenAPI 0.6 local scope and query parameters
# ---------------------------------------------------------------------------------------------
api g3 GET "/v1/instances/$g1_uuid"
last_ok "g2 GET /instances/{uuid}" instances
expect_eq "g2 local get: one item" "1 $g1_name stopped" \
  "$(jqr '"\(.data.instances | length) \(.data.instances[0].name) \(.data.instances[0].state)"')"
api g3 GET "/v1/instances/$g1_uuid?metrics=true"
last_ok "g2 GET /instances/{uuid}?metrics=true" instances
api g3 PUT "/v1/instances/$g1_uuid/start?wait_timeout_ms=5000"
last_ok "g2 start ?wait_timeout_ms=" instances
expect_eq "g2 start: running" "success stopped running" \
  "$(jqr '.data.instances[0] | "\(.status) \(.previous_state) \(.state)"')"
api g3 PUT /v1/instances/wait "[{\"uuid\":\"$g1_uuid\",\"state\":\"running\",\"timeout_ms\":1000}]"
last_ok "g2 PUT /instances/wait" instances
expect_eq "g2 PUT wait: running" "success running" "$(jqr '.data.instances[0] | "\(.status) \(.state)"')"
api g3 GET "/v1/instances/$g1_uuid/log" '{"offset":0,"limit":4096}'
last_ok "g2 local log" instances
check "g2 local log: both boots' console lines" test \
  "$(jqr '.data.instances[0].output' | base64 -d | grep -c 'the app started')" -ge 2
api g3 GET "/v1/instances/$g1_uuid/metrics"
last_ok "g2 local metrics" instances
api g3 PUT "/v1/instances/$g1_uuid/stop?force=true"
last_ok "g2 stop ?force=true" instances
expect_eq "g2 forced stop: stopped at once" "success running stopped" \
  "$(jqr '.data.instances[0] | "\(.status) \(.previous_state) \(.state)"')"
api g3 DELETE "/v1/instances/$g1_uuid"
last_ok "g2 DELETE /instances/{uuid}" instances
expect_eq "g2 delete: previous_state" "success $g1_uuid $g1_name stopped" \
  "$(jqr '.data.instances[0] | "\(.status) \(.uuid) \(.name) \(.previous_state)"')"
api g1 GET /v1/instances "[{\"uuid\":\"$g1_uuid\"}]"
last_ok "g1 get of the deleted instance" instances
expect_eq "deleted instance: item not found (8)" "error 8 No instance with uuid '$g1_uuid'" \
  "$(jqr '.data.instances[0] | "\(.status) \(.error) \(.message)"')"

# ---------------------------------------------------------------------------------------------
# G3: v1.0 object bodies, timeout_s, /v1/v1, details=false; restart_policy on_failure spelling
# ---------------------------------------------------------------------------------------------
api g3 POST /v1/v1/instances '{"name":"g3-web","image":"local/http-server:latest","autostart":true,
  "timeout_s":5,"restart_policy":"on_failure","memory_mb":128,"vcpus":1,"tags":["team:a","x"],
  "env":{},"args":["/server","8080"]}'
last_ok "g3 create via /v1/v1 with timeout_s and on_failure" instances
expect_eq "g3 create: named, waited until running" "success g3-web running g3-web.internal" \
  "$(jqr '.data.instances[0] | "\(.status) \(.name) \(.state) \(.private_fqdn)"')"
check "g3 create with a wait: boot_time_us reported" \
  test "$(jqr '.data.instances[0].boot_time_us | type')" == number
g3_uuid=$(jqr '.data.instances[0].uuid')
api g3 GET "/v1/v1/instances/$g3_uuid"
last_ok "g3 local get via /v1/v1" instances
expect_eq "g3: restart_policy on_failure accepted (emitted as on-failure), tags kept" \
  'on-failure ["team:a","x"] ["/server","8080"]' \
  "$(jqr '.data.instances[0] | "\(.restart_policy) \(.tags | tojson) \(.args | tojson)"')"
api g3 GET "/v1/instances/$g3_uuid/wait" '{"state":"running","timeout_ms":1000}'
last_ok "g3 GET /instances/{uuid}/wait with {state,timeout_ms}" instances
expect_eq "g3 local wait: running" "success g3-web running" \
  "$(jqr '.data.instances[0] | "\(.status) \(.name) \(.state)"')"
api g3 GET "/v1/instances/wait?state=running&timeout_ms=1000" "[{\"uuid\":\"$g3_uuid\"}]"
last_ok "g3 wait with state/timeout_ms in the query, array body" instances
expect_eq "g3 query wait: running" "success running" "$(jqr '.data.instances[0] | "\(.status) \(.state)"')"
api g3 PUT "/v1/instances/$g3_uuid/stop" '{"force":false,"drain_timeout_ms":0}'
last_ok "g3 local stop with a body" instances
expect_eq "g3 local stop: previous running" "success running" \
  "$(jqr '.data.instances[0] | "\(.status) \(.previous_state)"')"
api g3 GET "/v1/instances/$g3_uuid/wait" '{"state":"stopped","timeout_ms":5000}'
expect_eq "g3 local wait stopped" "success stopped" "$(jqr '.data.instances[0] | "\(.status) \(.state)"')"
api g3 GET "/v1/instances/$g3_uuid"
expect_eq "g3 user stop of an on-failure instance: no restart" "stopped 0" \
  "$(jqr '.data.instances[0] | "\(.state) \(.restart_count)"')"
api g3 PUT "/v1/instances/$g3_uuid/start" '{"timeout_s":5}'
last_ok "g3 local start with {timeout_s}" instances
expect_eq "g3 local start: running" "success stopped running" \
  "$(jqr '.data.instances[0] | "\(.status) \(.previous_state) \(.state)"')"
api g3 GET /v1/instances '' # zero-length body on a filterless GET
last_ok "g3 list with an empty body" instances
expect_eq "g3 list all: g3-web" "g3-web" "$(jqr '[.data.instances[].name] | join(",")')"
api py GET '/v1/instances?details=false'
last_ok "g3 ?details=false" instances
expect_eq "g3 details=false: only uuid and name" '["name","uuid"]' \
  "$(jq -c '.data.instances[0] | keys' "$TEST_TMP/r.json")"
api py GET '/v1/instances?details=true'
last_ok "py ?details=true" instances
expect_eq "py details=true: full items" running "$(jqr '.data.instances[0].state')"
api g3 GET "/v1/instances/metrics?uuid=$g3_uuid"
last_ok "g3 metrics ?uuid=" instances
expect_eq "g3 metrics by query: the instance" "success g3-web" \
  "$(jqr '.data.instances[0] | "\(.status) \(.name)"')"

# ---------------------------------------------------------------------------------------------
# Replicas, names, duplicate names
# ---------------------------------------------------------------------------------------------
api g1 POST /v1/instances '{"image":"local/http-server:latest","autostart":false,"replicas":2,
  "restart_policy":"always"}'
last_ok "create with replicas 2" instances
expect_eq "replicas 2: three instances, all stopped, all success" "3 stopped success" \
  "$(jqr '"\(.data.instances | length) \([.data.instances[].state] | unique | join(",")) \([.data.instances[].status] | unique | join(","))"')"
check "replicas: every name is <basename>-<5 [a-z0-9]>, all distinct" python3 -c '
import json, re, sys
items = json.load(open(sys.argv[1]))["data"]["instances"]
names = [i["name"] for i in items]
assert all(re.fullmatch(r"http-server-[a-z0-9]{5}", n) for n in names), names
assert len(set(names)) == 3 and len({i["uuid"] for i in items}) == 3, names
assert all(i["private_fqdn"] == i["name"] + ".internal" for i in items), items
assert len({i["private_ip"] for i in items}) == 3, items
' "$TEST_TMP/r.json"
mapfile -t rep_names < <(jqr '.data.instances[].name')
mapfile -t rep_uuids < <(jqr '.data.instances[].uuid')

api g1 POST /v1/instances '{"name":"g3-web","image":"local/http-server:latest","autostart":true}'
last_item_error "duplicate name" 23 "g3-web"
api g1 GET /v1/users/quotas
last_ok "quotas" quotas
expect_eq "quotas: 4 instances, 1 live (g3-web)" "4 1 128 1" \
  "$(jqr '.data.quotas[0].used | "\(.instances) \(.live_instances) \(.live_memory_mb) \(.live_vcpus)"')"

# ---------------------------------------------------------------------------------------------
# Newest SDKs: repeated query filters
# ---------------------------------------------------------------------------------------------
api py GET "/v1/instances?uuid=${rep_uuids[0]}&uuid=${rep_uuids[2]}"
last_ok "py ?uuid=a&uuid=b" instances
expect_eq "py ?uuid=a&uuid=b: both, in order, with status" \
  "${rep_names[0]} ${rep_names[2]} success" \
  "$(jqr '"\(.data.instances[0].name) \(.data.instances[1].name) \([.data.instances[].status] | unique | join(","))"')"
api py GET "/v1/instances?name=g3-web"
last_ok "py ?name=" instances
expect_eq "py ?name=: the instance" "1 $g3_uuid" \
  "$(jqr '"\(.data.instances | length) \(.data.instances[0].uuid)"')"
api py GET "/v1/instances?name=g3-web&uuid=${rep_uuids[1]}"
last_ok "py ?name=&uuid=" instances
expect_eq "py ?name=&uuid=: both" 2 "$(jqr '.data.instances | length')"

# ---------------------------------------------------------------------------------------------
# Identity quirks (§2.4)
# ---------------------------------------------------------------------------------------------
api g1 GET /v1/instances '[{"uuid":"","name":"g3-web"}]'
last_ok 'identity {"uuid":"","name":x}' instances
expect_eq 'identity {"uuid":"","name":x}: found' "success $g3_uuid" \
  "$(jqr '.data.instances[0] | "\(.status) \(.uuid)"')"
api g1 GET /v1/instances "[{\"name\":null,\"uuid\":\"$g3_uuid\"}]"
last_ok 'identity {"name":null,"uuid":…}' instances
expect_eq 'identity "name": null: found' "success g3-web" "$(jqr '.data.instances[0] | "\(.status) \(.name)"')"
api g3 GET /v1/instances "{\"uuid\":\"$g3_uuid\"}"
last_ok "identity as a single object (G3)" instances
expect_eq "identity object: found" "success g3-web" "$(jqr '.data.instances[0] | "\(.status) \(.name)"')"
api g1 GET /v1/instances '[{"uuid":"g3-web"}]'
last_item_error "a name in a uuid field" 7 "^Invalid uuid 'g3-web'$"
expect_eq "a name in a uuid field: the item echoes the uuid" "g3-web" "$(jqr '.data.instances[0].uuid')"
api g3 GET "/v1/instances/g3-web"
last_ok "local scope by name" instances
expect_eq "local scope by name: found" "success $g3_uuid" "$(jqr '.data.instances[0] | "\(.status) \(.uuid)"')"
api g1 GET /v1/instances "[{\"uuid\":\"${g3_uuid^^}\"}]"
last_ok "an upper-case uuid" instances
expect_eq "an upper-case uuid: found (UUIDs are case-insensitive)" "success g3-web" \
  "$(jqr '.data.instances[0] | "\(.status) \(.name)"')"
# The kraftcloud SDK of kraftkit 0.12 sends references as {"uuid":"","name":…}.
api g1 POST /v1/instances '{"image":"local/http-server:latest","service_group":{"uuid":"","name":"grp"}}'
last_item_error 'service_group {"uuid":"","name":x}: looked up by name' 8 "^No service with name 'grp'$"

# ---------------------------------------------------------------------------------------------
# Partially failing batches: HTTP 200, partial_success, per-item status/message/error 8
# ---------------------------------------------------------------------------------------------
api g1 GET /v1/instances '[{"name":"g3-web"},{"name":"nope"}]'
last_ok "partial get" instances
expect_eq "partial get: partial_success with a message" "partial_success true" \
  "$(jqr '"\(.status) \(.message | length > 0)"')"
expect_eq "partial get: first ok, second not found" \
  "success|error|8|nope|No instance with name 'nope'" \
  "$(jqr '"\(.data.instances[0].status)|\(.data.instances[1].status)|\(.data.instances[1].error)|\(.data.instances[1].name)|\(.data.instances[1].message)"')"
api g1 PUT /v1/instances/start \
  "[{\"name\":\"${rep_names[0]}\"},{\"uuid\":\"00000000-0000-4000-8000-000000000001\"},{\"name\":\"${rep_names[1]}\",\"wait_timeout_ms\":5000}]"
last_ok "partial start" instances
expect_eq "partial start: 2 started, the unknown uuid is error 8" \
  "partial_success success error 8 success running" \
  "$(jqr '"\(.status) \(.data.instances[0].status) \(.data.instances[1].status) \(.data.instances[1].error) \(.data.instances[2].status) \(.data.instances[2].state)"')"
expect_eq "partial start: the failed item echoes its uuid" "00000000-0000-4000-8000-000000000001" \
  "$(jqr '.data.instances[1].uuid')"
api g1 GET /v1/instances/wait "[{\"name\":\"${rep_names[0]}\",\"state\":\"running\",\"timeout_ms\":5000}]"
api g1 PUT /v1/instances/stop \
  "[{\"name\":\"${rep_names[0]}\",\"force\":true},{\"name\":\"ghost\",\"force\":true}]"
last_ok "partial stop" instances
expect_eq "partial stop: first stopped, ghost error 8" "partial_success stopped 8" \
  "$(jqr '"\(.status) \(.data.instances[0].state) \(.data.instances[1].error)"')"
api g1 DELETE /v1/instances "[{\"name\":\"${rep_names[2]}\"},{\"name\":\"ghost\"}]"
last_ok "partial delete" instances
expect_eq "partial delete: first deleted, ghost error 8" "partial_success success stopped 8" \
  "$(jqr '"\(.status) \(.data.instances[0].status) \(.data.instances[0].previous_state) \(.data.instances[1].error)"')"
api g1 GET /v1/instances '[{"name":"ghost"},{"name":"ghost2"}]'
last_ok "all items failing" instances
check "all items failing: status error or partial_success" matches '^(error|partial_success)$' "$(jqr .status)"

# ---------------------------------------------------------------------------------------------
# G3 DELETE with timeout_s and final state
# ---------------------------------------------------------------------------------------------
api g3 DELETE '/v1/instances?timeout_s=5' \
  "[{\"uuid\":\"$g3_uuid\"},{\"name\":\"${rep_names[0]}\"},{\"name\":\"${rep_names[1]}\"}]"
last_ok "g3 delete ?timeout_s= (a running instance is force-stopped)" instances
expect_eq "g3 delete: previous states" "success running stopped running" \
  "$(jqr '"\([.data.instances[].status] | unique | join(",")) \([.data.instances[].previous_state] | join(" "))"')"
api g1 GET /v1/instances
last_ok "list after deleting everything" instances
expect_eq "list after deleting everything: empty" 0 "$(jqr '.data.instances | length')"
api g1 GET /v1/users/quotas
expect_eq "quotas after deleting everything: nothing used" "0 0 0 0" \
  "$(jqr '.data.quotas[0].used | "\(.instances) \(.live_instances) \(.live_memory_mb) \(.live_vcpus)"')"

# ---------------------------------------------------------------------------------------------
# `kraft cloud instance create -p 443:8080` (§4.2 port mapping), "name": null, delete-on-stop
# ---------------------------------------------------------------------------------------------
api g1 POST /v1/instances '{"name":null,"image":"local/http-server:latest","args":["/server 8080"],
  "service_group":{"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]},
  {"port":80,"destination_port":443,"handlers":["http","redirect"]}]},"autostart":true,
  "restart_policy":"never","features":["delete-on-stop"]}'
last_ok "g1 create with -p 443:8080, name null, delete-on-stop" instances
expect_eq "kraftkit port shape: created" success "$(jqr '.data.instances[0].status')"
check "name null: a generated name" matches "$name_re" "$(jqr '.data.instances[0].name')"
dos_uuid=$(jqr '.data.instances[0].uuid')
api g1 GET /v1/users/quotas
expect_eq "quotas: one service group with two published ports" "1 1 2" \
  "$(jqr '.data.quotas[0].used | "\(.instances) \(.service_groups) \(.services)"')"
api g1 GET /v1/instances/wait "[{\"uuid\":\"$dos_uuid\",\"state\":\"running\",\"timeout_ms\":5000}]"
expect_eq "delete-on-stop instance runs" running "$(jqr '.data.instances[0].state')"
api g1 PUT /v1/instances/stop "[{\"uuid\":\"$dos_uuid\",\"force\":false}]"
last_ok "stop a delete-on-stop instance" instances
api g1 GET /v1/instances/wait "[{\"uuid\":\"$dos_uuid\",\"state\":\"stopped\",\"timeout_ms\":5000}]"
for _ in $(seq 1 50); do
  api g1 GET /v1/instances
  [[ $(jqr '.data.instances | length') == 0 ]] && break
  sleep 0.1
done
expect_eq "delete-on-stop: the instance is gone once stopped" 0 "$(jqr '.data.instances | length')"
api g1 GET /v1/instances "[{\"uuid\":\"$dos_uuid\"}]"
last_item_error "delete-on-stop: a lookup finds nothing" 8 "$dos_uuid"
api g1 POST /v1/instances '{"name":"","image":"local/http-server:latest"}'
check 'name "": a generated name' matches "$name_re" "$(jqr '.data.instances[0].name')"

ukc_finish
