#!/usr/bin/env bash
# Autoscale (/v1/services/autoscale, /v1/services/{id}/autoscale…, ukc-api.md §8) against the real
# daemon with in-memory VMs (UKC_VMM=fake), every answer parsed strictly: an unconfigured GET;
# bad input (unknown fields and wrong types → 400; unknown service 8, sizes 29, no master 13,
# unknown master 8, master of another group 25, roms 1, bad policy 7, bad times 7) leaving nothing
# behind; create in the G1 shape (master) and the G3 shape (array, create_args.template), again →
# 26; GET in every shape (G1 sends the uuid as "name"), list-all, the group's `autoscale` flag;
# policies (add step / on_demand, duplicate 23, gaps 7, bad type 7, a 9th → 5, get one / all /
# {name}, delete, unknown 8, unconfigured group 27); durability across a restart; reset (27 when
# not configured); a deleted group takes its configuration along; another user; 404 and 401.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/api_helpers.sh"
containers_sandbox
export UKC_VMM=fake

ukc_start_daemon
push_test_image local/http-server:latest
IMG=local/http-server:latest
SVC='[{"port":443,"destination_port":8080,"handlers":["http","tls"]}]'
# as_error NAME COLLECTION CODE MESSAGE_REGEX [INDEX]: HTTP 200, item INDEX failed with CODE.
as_error() {
  local c=$2 i=${5:-0}
  last_ok "$1" "$c"
  expect_eq "$1: item error code" "error $3" "$(jqr ".data.$c[$i] | \"\(.status) \(.error)\"")"
  check "$1: message matches /$4/" grep -Eq "$4" <<<"$(jqr ".data.$c[$i].message")"
}
config() {  # config ID: "status enabled min max warmup cooldown master-key:master-name policies"
  api g1 GET /v1/services/autoscale "[{\"name\":\"$1\"}]"
  jqr '.data.service_groups[0] | "\(.status) \(.enabled) \(.min_size) \(.max_size) \(.warmup_time_ms) \(.cooldown_time_ms) \(if .master then "master:\(.master.name)" elif .template then "template:\(.template.name)" else "-" end) \([.policies[].name] | join(","))"'
}

api g1 POST /v1/services "{\"name\":\"web\",\"services\":$SVC}"
web=$(jqr '.data.service_groups[0].uuid')
api g1 POST /v1/services "{\"name\":\"other\",\"services\":[]}"
api g1 POST /v1/services "{\"name\":\"solo\",\"services\":[]}"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"m1\",\"service_group\":{\"name\":\"web\"}}"
last_ok "master instance in web" instances
m1=$(jqr '.data.instances[0].uuid')
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"o1\",\"service_group\":{\"name\":\"other\"}}"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"plain\"}"

# --- unconfigured ---------------------------------------------------------------------------------
api g1 GET /v1/services/autoscale '[{"name":"web"}]'
last_ok "GET unconfigured" service_groups
expect_eq "unconfigured item" "success unconfigured false $web web null" \
  "$(jqr '.status as $top | .data.service_groups[0] | "\($top) \(.status) \(.enabled) \(.uuid) \(.name) \(.min_size)"')"
api g1 GET /v1/services/autoscale
expect_eq "list-all: no configurations" 0 "$(jqr '.data.service_groups | length')"

# --- bad input, state unchanged ---------------------------------------------------------------------
api g1 POST /v1/services/autoscale '{"name":"web","bogus":1,"master":{"name":"m1"}}'
last_error "unknown field" 400 "Unknown field 'bogus'"
api g1 POST /v1/services/autoscale '{"name":"web","min_size":"1","master":{"name":"m1"}}'
last_error "min_size as a string" 400 "min_size"
api g1 POST /v1/services/autoscale '{"name":"web","master":{"name":"m1","id":"x"}}'
last_error "unknown master field" 400 "master.id"
api g1 POST /v1/services/autoscale '{"name":"web","policies":[{"name":"p","steps":[{"lower":1}]}]}'
last_error "unknown step field" 400 "policies.steps.lower"
api g1 POST /v1/services/autoscale '"web"'
last_error "a string body" 400 "object"
api g1 POST /v1/services/autoscale '{"name":"nope","master":{"name":"m1"}}'
as_error "unknown service" service_groups 8 "No service with name 'nope'"
api g1 POST /v1/services/autoscale '{"name":"web","min_size":3,"max_size":2,"master":{"name":"m1"}}'
as_error "min_size > max_size" service_groups 29 "min_size \(3\).*max_size \(2\)"
api g1 POST /v1/services/autoscale '{"name":"web","max_size":17,"master":{"name":"m1"}}'
as_error "max_size above the quota's 16" service_groups 29 "<= 16"
api g1 POST /v1/services/autoscale '{"name":"web","max_size":0,"master":{"name":"m1"}}'
as_error "max_size 0" service_groups 29 "out of range"
api g1 POST /v1/services/autoscale '{"name":"web"}'
as_error "no master" service_groups 13 "master"
api g1 POST /v1/services/autoscale '{"name":"web","master":{"name":"ghost"}}'
as_error "unknown master" service_groups 8 "No instance with name 'ghost'"
api g1 POST /v1/services/autoscale '{"name":"web","master":{"name":"o1"}}'
as_error "master of another group" service_groups 25 "belongs to service group 'other'"
api g3 POST /v1/services/autoscale '[{"name":"web","create_args":{"roms":{"name":"r"}}}]'
as_error "roms" service_groups 1 "not supported"
api g1 POST /v1/services/autoscale '{"name":"web","master":{"name":"m1"},"warmup_time_ms":-1}'
as_error "negative warmup" service_groups 7 "warmup_time_ms"
api g1 POST /v1/services/autoscale '{"name":"web","master":{"name":"m1"},
  "policies":[{"name":"p","type":"step","metric":"cpu","steps":[{"adjustment":1,"lower_bound":5,"upper_bound":1}]}]}'
as_error "a bad policy" service_groups 7 "lower bound"
expect_eq "after bad input: still unconfigured" "unconfigured false null null null null - " "$(config web)"

# --- create (G1: master), GET shapes ----------------------------------------------------------------
api g1 POST /v1/services/autoscale "{\"uuid\":\"$web\",\"min_size\":1,\"max_size\":3,
  \"warmup_time_ms\":500,\"cooldown_time_ms\":1500,\"master\":{\"name\":\"m1\"}}"
last_ok "create (G1)" service_groups
expect_eq "create item" "success $web web" \
  "$(jqr '.data.service_groups[0] | "\(.status) \(.uuid) \(.name)"')"
api g1 POST /v1/services/autoscale "{\"uuid\":\"$web\",\"master\":{\"uuid\":\"$m1\"}}"
as_error "create again" service_groups 26 "already has an autoscale configuration"
expect_eq "GET with the uuid sent as name (G1)" "success true 1 3 500 1500 master:m1 " "$(config "$web")"
expect_eq "master uuid" "$m1" "$(jqr '.data.service_groups[0].master.uuid')"
api g3 GET /v1/services/web/autoscale
last_ok "GET local scope" service_groups
expect_eq "local scope item" "success 3" "$(jqr '.data.service_groups[0] | "\(.status) \(.max_size)"')"
api g1 GET "/v1/services/autoscale?uuid=$web"
expect_eq "GET ?uuid=" "success" "$(jqr '.data.service_groups[0].status')"
api g1 GET /v1/services/autoscale
last_ok "list-all" service_groups
expect_eq "list-all: web, no item status" "web null" \
  "$(jqr '.data.service_groups[0] | "\(.name) \(.status)"')"
api g1 GET /v1/services '[{"name":"web"},{"name":"other"}]'
expect_eq "GET /v1/services: autoscale flags" "true false" \
  "$(jqr '[.data.service_groups[].autoscale | tostring] | join(" ")')"

# --- policies -----------------------------------------------------------------------------------------
P=/v1/services/$web/autoscale/policies
api g1 POST "$P" '{"name":"scale-out","type":"step","metric":"cpu","adjustment_type":"percent","steps":[{"adjustment":50,"lower_bound":500,"upper_bound":700},{"adjustment":100,"lower_bound":700}]}'
last_ok "add a step policy (G1 wire format)" policies
expect_eq "add item" "success scale-out" "$(jqr '.data.policies[0] | "\(.status) \(.name)"')"
api g1 POST "$P" '{"name":"scale-out","type":"on_demand"}'
as_error "duplicate policy name" policies 23 "scale-out"
api g1 POST "$P" '{"name":"gap","type":"step","metric":"cpu","adjustment_type":"change","steps":[{"adjustment":1,"upper_bound":5},{"adjustment":2,"lower_bound":6}]}'
as_error "steps with a gap" policies 7 "gaps"
api g1 POST "$P" '{"name":"x","type":"idle"}'
as_error "unknown policy type" policies 7 "Invalid policy type 'idle'"
api g1 POST "$P" '{"name":"x","type":"on_demand","colour":"red"}'
last_error "unknown policy field" 400 "Unknown field 'colour'"
api g1 POST "$P" '{"name":"od","type":"on_demand","exclusive":true}'
last_ok "add an on_demand policy" policies
api g1 GET "$P/scale-out"
last_ok "GET one policy" policies
expect_eq "the policy object itself" "success step cpu percent 500-700:50,700-null:100" \
  "$(jqr '.data.policies[0] | "\(.status) \(.type) \(.metric) \(.adjustment_type) \([.steps[] | "\(.lower_bound)-\(.upper_bound):\(.adjustment)"] | join(","))"')"
api g3 GET "$P" '{"name":"od"}'
expect_eq "GET {name} (G3)" "success on_demand true" \
  "$(jqr '.data.policies[0] | "\(.status) \(.type) \(.exclusive)"')"
api g1 GET "$P"
expect_eq "GET all policies" "scale-out od" "$(jqr '[.data.policies[].name] | join(" ")')"
api g1 GET "$P/nope"
as_error "unknown policy" policies 8 "No policy with name 'nope'"
expect_eq "the configuration lists them" "success true 1 3 500 1500 master:m1 scale-out,od" \
  "$(config web)"
api g1 DELETE "$P/od"
last_ok "delete a policy" policies
expect_eq "delete item" "success od" "$(jqr '.data.policies[0] | "\(.status) \(.name)"')"
api g1 DELETE "$P/od"
as_error "delete it again" policies 8 "od"
api g1 DELETE "$P" '[{"name":"ghost"}]'
as_error "delete [{name}] unknown" policies 8 "ghost"
api g1 DELETE "$P"
last_error "delete without names" 400 "No policies"
api g1 POST /v1/services/other/autoscale/policies '{"name":"p","type":"on_demand"}'
as_error "policy on an unconfigured group" policies 27 "no autoscale configuration"
for n in 1 2 3 4 5 6 7; do api g1 POST "$P" "{\"name\":\"p$n\",\"type\":\"on_demand\"}"; done
expect_eq "eight policies" success "$(jqr '.data.policies[0].status')"
api g1 POST "$P" '{"name":"p8","type":"on_demand"}'
as_error "a ninth policy" policies 5 "at most 8"
api g1 GET /v1/services/web/autoscale/bogus
last_error "unknown autoscale route" 404 "No API endpoint"
api g1 PUT /v1/services/autoscale '[]'
last_error "wrong method" 404 "No API endpoint"
NO_AUTH=1 api g1 GET /v1/services/autoscale
expect_eq "no token: 401" 401 "$CODE"

# --- durability -----------------------------------------------------------------------------------------
before=$(config web)
ukc_stop_daemon
ukc_start_daemon
expect_eq "configuration and policies survive a restart" "$before" "$(config web)"

# --- reset, G3 create, local scope, deleted groups --------------------------------------------------
api g1 DELETE /v1/services/autoscale '[{"name":"web"}]'
last_ok "reset" service_groups
expect_eq "reset item" "success $web web" "$(jqr '.data.service_groups[0] | "\(.status) \(.uuid) \(.name)"')"
api g1 DELETE /v1/services/autoscale '[{"name":"web"}]'
as_error "reset again" service_groups 27 "no autoscale configuration"
expect_eq "unconfigured after reset" "unconfigured false null null null null - " "$(config web)"
api g3 POST /v1/services/autoscale '[{"name":"web","max_size":2,"create_args":{"template":{"name":"m1"}}},
  {"name":"ghost","create_args":{"template":{"name":"m1"}}}]'
last_ok "create (G3 array, template)" service_groups
expect_eq "G3 create: partial success" "partial_success success error" \
  "$(jqr '"\(.status) \(.data.service_groups[0].status) \(.data.service_groups[1].status)"')"
expect_eq "echoed as template" "success true 1 2 1000 1000 template:m1 " "$(config web)"
api g3 POST "/v1/services/$web/autoscale" '{"create_args":{"template":{"name":"m1"}}}'
as_error "local-scope create on a configured group" service_groups 26 "already"
api g3 DELETE /v1/services/web/autoscale
last_ok "local-scope reset" service_groups
api g3 POST /v1/services/solo/autoscale '{"min_size":0,"master":{"name":"plain"}}'
last_ok "configure solo (an unattached master, min 0)" service_groups
expect_eq "solo" "success true 0 4 1000 1000 master:plain " "$(config solo)"
api g1 DELETE /v1/services '[{"name":"solo"}]'
last_ok "delete group solo" service_groups
api g1 POST /v1/services '{"name":"solo","services":[]}'
expect_eq "a new group of the same name is unconfigured" "unconfigured" "$(config solo | cut -d' ' -f1)"
api g1 GET /v1/services/autoscale
expect_eq "list-all: nothing left" 0 "$(jqr '.data.service_groups | length')"

# --- another user ---------------------------------------------------------------------------------------
api g1 POST /v1/services/autoscale '{"name":"web","master":{"name":"m1"}}'
BOB=$("$UKC_EMU" user add bob --data-dir "$UKC_DATA")
TOKEN=$BOB api g1 GET /v1/services/autoscale "[{\"uuid\":\"$web\"}]"
as_error "bob cannot see alice's configuration" service_groups 8 "No service with uuid"
TOKEN=$BOB api g1 DELETE /v1/services/autoscale "[{\"uuid\":\"$web\"}]"
as_error "bob cannot reset it" service_groups 8 "No service"
expect_eq "alice's is intact" "success" "$(config web | cut -d' ' -f1)"

# --- the scaling engine with the daemon's instances (rule in docs/compatibility.md) ----------------
api g1 POST /v1/services "{\"name\":\"scaled\",\"services\":$SVC}"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"boss\",\"autostart\":true,\"service_group\":{\"name\":\"scaled\"}}"
last_ok "master of scaled" instances
members() {  # running instances of the group "scaled"
  api g1 GET /v1/instances
  jqr '[.data.instances[] | select(.service_group.name == "scaled" and .state == "running")] | length'
}
wait_members() {  # wait_members N: the group has N running instances within 10 s
  local n
  for _ in $(seq 1 100); do n=$(members); [[ "$n" == "$1" ]] && return 0; sleep 0.1; done
  echo "running instances of scaled: $n, wanted $1"; return 1
}
api g1 POST /v1/services/autoscale '{"name":"scaled","min_size":3,"max_size":4,"warmup_time_ms":0,"cooldown_time_ms":100,"master":{"name":"boss"}}'
last_ok "configure scaled: min 3" service_groups
check "the autoscaler brings scaled to min_size 3 running instances" wait_members 3
api g1 DELETE /v1/services/autoscale '[{"name":"scaled"}]'
last_ok "reset scaled" service_groups
check "after the reset only the master is left" wait_members 1

ukc_finish
