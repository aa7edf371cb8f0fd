#!/usr/bin/env bash
# Service groups (/v1/services, ukc-api.md §7) against the real daemon with in-memory VMs
# (UKC_VMM=fake), every answer parsed strictly (api_strict_check.py): create (generated names and
# FQDNs, domains, limits), list/get (body, local scope, query), delete; the port rules of §7.2
# and other per-item failures (80 with tls, 443 without tls, redirect on 8080, an unknown
# handler, ports 0/70000, a port twice, clashing domains, names taken, limits); whole-request
# errors (unknown fields, wrong types); instances attaching by name and by uuid, delete refused
# while attached, ephemeral groups of instance creates (in the create response, in instance GET,
# persistent with a second instance, gone with their instance), quotas, another user's view,
# durability across a daemon restart, `ukc-emu up --metro`.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/api_helpers.sh"
containers_sandbox
export UKC_VMM=fake

ukc_start_daemon
push_test_image local/http-server:latest
IMG=local/http-server:latest
uuid_re='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
matches() { [[ $2 =~ $1 ]]; }
# svc_error NAME CODE MESSAGE_REGEX [INDEX]: HTTP 200, service group item INDEX failed with CODE.
svc_error() {
  local i=${4:-0}
  last_ok "$1" service_groups
  expect_eq "$1: item error code" "error $2" \
    "$(jqr ".data.service_groups[$i] | \"\(.status) \(.error)\"")"
  check "$1: message matches /$3/" grep -Eq "$3" <<<"$(jqr ".data.service_groups[$i].message")"
}
groups() { api g1 GET /v1/services; jqr '[.data.service_groups[].name] | sort | join(" ")'; }

# --- create -----------------------------------------------------------------------------------
api g1 POST /v1/services '{"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]},
  {"port":80,"destination_port":443,"handlers":["http","redirect"]}]}'
last_ok "create (generated name)" service_groups
gen_name=$(jqr '.data.service_groups[0].name')
gen_uuid=$(jqr '.data.service_groups[0].uuid')
check "generated name is <word>-<word>-<8 [a-z0-9]>" matches '^[a-z]+-[a-z]+-[a-z0-9]{8}$' "$gen_name"
check "uuid is an RFC 4122 v4 uuid" matches "$uuid_re" "$gen_uuid"
expect_eq "create: the full group" \
  "success true false 1 65535 $gen_name.local.localhost 0 443:8080:http+tls,80:443:http+redirect" \
  "$(jqr '.data.service_groups[0] | "\(.status) \(.persistent) \(.autoscale) \(.soft_limit) \(.hard_limit) \(.domains[0].fqdn) \(.instances | length) \([.services[] | "\(.port):\(.destination_port):\(.handlers | join("+"))"] | join(","))"')"

api g1 POST /v1/services '{"name":"web","services":[{"port":8443,"handlers":["tls"]}],
  "domains":[{"name":"foo"},{"name":"example.com."}],"soft_limit":5,"hard_limit":50}'
last_ok "create web with domains and limits" service_groups
web_uuid=$(jqr '.data.service_groups[0].uuid')
expect_eq "web: domains, limits, destination_port defaults to port" \
  "foo.local.localhost,example.com 5 50 8443" \
  "$(jqr '.data.service_groups[0] | "\([.domains[].fqdn] | join(",")) \(.soft_limit) \(.hard_limit) \(.services[0].destination_port)"')"

api g3 POST /v1/services '{"name":"named","services":[]}'
check "a named group without domains gets <name>-<8>.local.localhost" \
  matches '^named-[a-z0-9]{8}\.local\.localhost$' "$(jqr '.data.service_groups[0].domains[0].fqdn')"

# --- list / get -------------------------------------------------------------------------------
api g1 GET /v1/services
last_ok "list all" service_groups
expect_eq "list all: three groups in creation order, no item status" "$gen_name web named null" \
  "$(jqr '[.data.service_groups[].name] + [.data.service_groups[0].status | tostring] | join(" ")')"
api g1 GET /v1/services/list
last_ok "old /services/list" service_groups
api g1 GET /v1/services "[{\"uuid\":\"$web_uuid\"},{\"name\":\"$gen_name\"},{\"name\":\"ghost\"}]"
last_ok "get by uuid and name, one missing" service_groups
expect_eq "get: partial_success, two found, ghost is error 8" \
  "partial_success success web success $gen_name error 8 No service with name 'ghost'" \
  "$(jqr '"\(.status) \(.data.service_groups[0].status) \(.data.service_groups[0].name) \(.data.service_groups[1].status) \(.data.service_groups[1].name) \(.data.service_groups[2].status) \(.data.service_groups[2].error) \(.data.service_groups[2].message)"')"
api g3 GET "/v1/services/$web_uuid"
last_ok "local scope by uuid" service_groups
expect_eq "local scope: web" "success web" "$(jqr '.data.service_groups[0] | "\(.status) \(.name)"')"
api g3 GET "/v1/services/web?details=false"
expect_eq "local scope by name, details=false: uuid and name only" "[\"name\",\"status\",\"uuid\"]" \
  "$(jqr '.data.service_groups[0] | keys | tojson')"
api py GET "/v1/services?name=web&name=named"
expect_eq "?name=&name=" "web named" "$(jqr '[.data.service_groups[].name] | join(" ")')"
api g1 GET /v1/services '[{"uuid":"web"}]'
svc_error "a name in a uuid field" 7 "^Invalid uuid 'web'$"

# --- per-item rule violations (nothing is created) ----------------------------------------------
before=$(groups)
bad_create() {  # NAME CODE REGEX SERVICES_JSON [EXTRA_FIELDS]
  api g1 POST /v1/services "{\"services\":$4${5:+,$5}}"
  svc_error "$1" "$2" "$3"
}
bad_create "80 with tls" 7 "Port 80" '[{"port":80,"destination_port":8080,"handlers":["http","tls"]}]'
bad_create "80 without http" 7 "Port 80" '[{"port":80,"destination_port":8080}]'
bad_create "443 without tls" 7 "Port 443" '[{"port":443,"destination_port":8080,"handlers":["http"]}]'
bad_create "redirect on 8080" 7 "redirect|8080" '[{"port":8080,"handlers":["tls","redirect"]}]'
bad_create "8080 with http" 7 "8080" '[{"port":8080,"handlers":["http"]}]'
bad_create "unknown handler" 7 "gzip" '[{"port":8443,"handlers":["tls","gzip"]}]'
bad_create "port 0" 7 "between 1 and 65535" '[{"port":0,"handlers":["tls"]}]'
bad_create "port 70000" 7 "between 1 and 65535" '[{"port":70000,"handlers":["tls"]}]'
bad_create "destination_port 70000" 7 "between 1 and 65535" \
  '[{"port":8443,"destination_port":70000,"handlers":["tls"]}]'
bad_create "a port twice" 7 "8443 is published twice" \
  '[{"port":8443,"handlers":["tls"]},{"port":8443,"destination_port":9000,"handlers":["tls"]}]'
bad_create "a domain of another group" 23 "foo.local.localhost" '[]' '"domains":[{"name":"foo"}]'
bad_create "an FQDN of another group (case-insensitive)" 23 "example.com" '[]' \
  '"domains":[{"name":"Example.COM."}]'
bad_create "a domain twice" 7 "twice" '[]' '"domains":[{"name":"x1"},{"name":"x1"}]'
bad_create "an invalid label" 7 "Invalid domain" '[]' '"domains":[{"name":"not_a_label"}]'
bad_create "kraft's example.com.. (double dot)" 7 "Invalid domain" '[]' \
  '"domains":[{"name":"example.org.."}]'
bad_create "a certificate (not emulated)" 8 "No certificate with name 'c1'" '[]' \
  '"domains":[{"name":"secure.org.","certificate":{"name":"c1"}}]'
bad_create "a name taken" 23 "web" '[]' '"name":"web"'
bad_create "an invalid name" 7 "Invalid name" '[]' '"name":"bad name!"'
bad_create "soft_limit 0" 7 "soft_limit" '[]' '"soft_limit":0'
bad_create "soft > hard" 7 "soft_limit" '[]' '"soft_limit":10,"hard_limit":5'
bad_create "autokill (G3, not emulated)" 1 "autokill" '[]' '"autokill":{"time_ms":1000}'
expect_eq "rule violations created nothing" "$before" "$(groups)"

# --- whole-request errors -----------------------------------------------------------------------
api g1 POST /v1/services '{"services":[],"colour":"red"}'
last_error "unknown field" 400 "colour"
api g1 POST /v1/services '{"services":[{"port":443,"bogus":1}]}'
last_error "unknown field in a service" 400 "services\\.bogus"
api g1 POST /v1/services '{"services":[{"port":"443","handlers":["http","tls"]}]}'
last_error "port as a string" 400 "port"
api g1 POST /v1/services '{"services":[{"destination_port":8080,"handlers":["tls"]}]}'
last_error "a service without port" 400 "port"
api g1 POST /v1/services '{"services":[{"port":8443,"handlers":"tls"}]}'
last_error "handlers as a string" 400 "handlers"
api g1 POST /v1/services '{"domains":[{"fqdn":"x"}]}'
last_error "unknown domain field" 400 "domains\\.fqdn"
api g1 POST /v1/services '{"soft_limit":1.5}'
last_error "soft_limit 1.5" 400 "soft_limit"
api g1 POST /v1/services '"web"'
last_error "a string body" 400 "object"
api g1 DELETE /v1/services '[]'
last_error "delete with [] never means all" 400 "No service groups given"
api g1 PUT /v1/services '{}'
last_error "PUT /services" 404 "No API endpoint"
api g1 POST /v1/services/autoscale '{"name":"no-such-group","master":{"name":"x"}}'
last_ok "autoscale of an unknown group" service_groups
expect_eq "autoscale of an unknown group: error 8" "error 8" \
  "$(jqr '.data.service_groups[0] | "\(.status) \(.error)"')"
expect_eq "request errors created nothing" "$before" "$(groups)"

# --- instances attach: by name, by uuid; delete refused while attached ----------------------------
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"w1\",\"service_group\":{\"name\":\"web\"}}"
last_ok "instance attaches by name" instances
expect_eq "create response carries service_group (it was in the request)" \
  "web $web_uuid foo.local.localhost,example.com" \
  "$(jqr '.data.instances[0].service_group | "\(.name) \(.uuid) \([.domains[].fqdn] | join(","))"')"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"w2\",\"service_group\":{\"uuid\":\"$web_uuid\"}}"
last_ok "instance attaches by uuid" instances
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"plain\"}"
check "create without service_group: none in the response" \
  test "$(jqr '.data.instances[0] | has("service_group")')" == false
api g1 GET /v1/instances '[{"name":"w1"},{"name":"plain"}]'
last_ok "instance GET" instances
expect_eq "instance GET: service_group of w1, none for plain" "web foo.local.localhost false" \
  "$(jqr '"\(.data.instances[0].service_group.name) \(.data.instances[0].service_group.domains[0].fqdn) \(.data.instances[1] | has("service_group"))"')"
api g1 GET /v1/instances
expect_eq "instance list-all shows service_group too" "web" \
  "$(jqr '.data.instances[] | select(.name == "w1") | .service_group.name')"
api g1 GET /v1/services '[{"name":"web"}]'
expect_eq "web lists both instances" "w1 w2" "$(jqr '[.data.service_groups[0].instances[].name] | join(" ")')"
api g1 DELETE /v1/services '[{"name":"web"}]'
svc_error "delete while attached" 14 "attached"
api g1 DELETE /v1/instances '[{"name":"w1"},{"name":"w2"}]'
api g1 GET /v1/services '[{"name":"web"}]'
expect_eq "web stays (persistent), now empty" "success 0 true" \
  "$(jqr '.data.service_groups[0] | "\(.status) \(.instances | length) \(.persistent)"')"
api g3 DELETE "/v1/services/$web_uuid"
last_ok "delete web (local scope)" service_groups
expect_eq "delete: status, uuid, name" "success $web_uuid web" \
  "$(jqr '.data.service_groups[0] | "\(.status) \(.uuid) \(.name)"')"
api g1 POST /v1/services '{"name":"web2","domains":[{"name":"foo"}]}'
expect_eq "a deleted group's domain is free again" "success foo.local.localhost" \
  "$(jqr '.data.service_groups[0] | "\(.status) \(.domains[0].fqdn)"')"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"service_group\":{\"uuid\":\"$web_uuid\"}}"
last_item_error "attach to a deleted group" 8 "No service with uuid '$web_uuid'"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"service_group\":{\"name\":\"web2\",\"services\":[]}}"
last_item_error "a reference with services" 7 "service_group"

# --- ephemeral groups of instance creates ---------------------------------------------------------
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"eph\",\"autostart\":true,
  \"service_group\":{\"services\":[{\"port\":443,\"destination_port\":8080,\"handlers\":[\"http\",\"tls\"]},
  {\"port\":80,\"destination_port\":443,\"handlers\":[\"http\",\"redirect\"]}],\"domains\":[{\"name\":\"eph\"}]}}"
last_ok "create with a new service group" instances
eph_group=$(jqr '.data.instances[0].service_group.uuid')
expect_eq "ephemeral group: the requested domain" "eph.local.localhost" \
  "$(jqr '.data.instances[0].service_group.domains[0].fqdn')"
api g1 GET /v1/services "[{\"uuid\":\"$eph_group\"}]"
expect_eq "ephemeral group: not persistent, one instance" "false eph" \
  "$(jqr '.data.service_groups[0] | "\(.persistent) \([.instances[].name] | join(" "))"')"
api g1 GET /v1/users/quotas
expect_eq "quotas count groups and published ports" "4 4" \
  "$(jqr '.data.quotas[0].used | "\(.service_groups) \(.services)"')"
api g1 DELETE /v1/instances '[{"name":"eph"}]'
api g1 GET /v1/services "[{\"uuid\":\"$eph_group\"}]"
svc_error "the ephemeral group went with its instance" 8 "$eph_group"
api g1 POST /v1/services '{"domains":[{"name":"eph"}]}'
expect_eq "its domain is free again" success "$(jqr '.data.service_groups[0].status')"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"service_group\":{\"services\":[{\"port\":80,\"handlers\":[\"http\",\"tls\"]}]}}"
last_item_error "instance create: port rules" 7 "Port 80"
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"r\",\"replicas\":1,
  \"service_group\":{\"services\":[{\"port\":9443,\"destination_port\":8080,\"handlers\":[\"tls\"]}]}}"
last_ok "replicas share one new group" instances
rep_group=$(jqr '.data.instances[0].service_group.uuid')
expect_eq "both replicas in the same group" "$rep_group" "$(jqr '.data.instances[1].service_group.uuid')"
api g1 GET /v1/services "[{\"uuid\":\"$rep_group\"}]"
expect_eq "a second instance made it persistent" "true 2" \
  "$(jqr '.data.service_groups[0] | "\(.persistent) \(.instances | length)"')"

# --- delete-on-stop takes its ephemeral group along -------------------------------------------------
api g1 POST /v1/instances "{\"image\":\"$IMG\",\"name\":\"dos\",\"autostart\":true,\"wait_timeout_ms\":5000,
  \"features\":[\"delete-on-stop\"],\"service_group\":{\"services\":[{\"port\":7443,\"handlers\":[\"tls\"]}]}}"
dos_group=$(jqr '.data.instances[0].service_group.uuid')
api g1 PUT /v1/instances/stop '[{"name":"dos","force":true}]'
for _ in $(seq 1 50); do
  api g1 GET /v1/services "[{\"uuid\":\"$dos_group\"}]"
  [[ $(jqr '.data.service_groups[0].error') == 8 ]] && break
  sleep 0.1
done
svc_error "delete-on-stop: the group is gone with the instance" 8 "$dos_group"

# --- another user -----------------------------------------------------------------------------------
BOB=$("$UKC_EMU" user add bob --data-dir "$UKC_DATA")
TOKEN=$BOB api g1 GET /v1/services
last_ok "bob lists" service_groups
expect_eq "bob sees no groups" 0 "$(jqr '.data.service_groups | length')"
TOKEN=$BOB api g1 GET /v1/services "[{\"uuid\":\"$gen_uuid\"}]"
svc_error "bob cannot get alice's group" 8 "No service with uuid '$gen_uuid'"
TOKEN=$BOB api g1 DELETE /v1/services "[{\"name\":\"$gen_name\"}]"
svc_error "bob cannot delete alice's group" 8 "$gen_name"
TOKEN=$BOB api g1 POST /v1/instances "{\"image\":\"$IMG\",\"service_group\":{\"name\":\"$gen_name\"}}"
check "bob cannot attach to alice's group" grep -q "No service with name '$gen_name'" "$TEST_TMP/r.json"
TOKEN=$BOB api g1 POST /v1/services '{"domains":[{"name":"foo"}]}'
svc_error "domains are unique across users" 23 "foo.local.localhost"
TOKEN=$BOB api g1 POST /v1/services '{"name":"web2"}'
expect_eq "names are per user" success "$(jqr '.data.service_groups[0].status')"

# --- where the service proxy listens: each service's local_port -------------------------------------
# A published port ≥ 1024 listens on its own number when free, else on another port; 443 and 80 are
# the proxy's TLS and HTTP listeners. The API reports it (ukc-emu only) as `local_port`.
python3 -c 'import socket,time,sys
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True)
time.sleep(600)' >"$TEST_TMP/taken.port" &
TAKER=$!
for _ in $(seq 1 50); do [[ -s "$TEST_TMP/taken.port" ]] && break; sleep 0.1; done
taken=$(cat "$TEST_TMP/taken.port")
free=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=$BOB api g1 POST /v1/services "{\"name\":\"ports\",\"services\":[{\"port\":443,\"destination_port\":8080,
  \"handlers\":[\"http\",\"tls\"]},{\"port\":$taken,\"handlers\":[\"tls\"]},{\"port\":$free,\"handlers\":[\"tls\"]}]}"
expect_eq "create a group publishing 443, a taken port and a free one" "success " \
  "$(jqr '.data.service_groups[0] | "\(.status) \(.message // "")"')"
local_ports() {  # "<443's> <taken's> <free's>" once all are listening (≤ 10 s)
  local got
  for _ in $(seq 1 100); do
    TOKEN=$BOB api g1 GET /v1/services/ports
    got=$(jqr "[.data.service_groups[0].services[] | .local_port // 0 | tostring] | join(\" \")")
    [[ "$got" != *" 0"* && "$got" != "0 "* ]] && break
    sleep 0.1
  done
  echo "$got"
}
read -r l443 ltaken lfree <<<"$(local_ports)"
expect_eq "443 is the proxy's TLS listener" "$PROXY_TLS" "$l443"
expect_eq "a free port ≥ 1024 listens on its own number" "$free" "$lfree"
check "a taken port listens elsewhere" test "$ltaken" -gt 0 -a "$ltaken" != "$taken"
check "the proxy accepts on the reported port" bash -c "exec 3<>/dev/tcp/127.0.0.1/$ltaken"
kill "$TAKER" 2>/dev/null
TOKEN=$BOB api g1 DELETE /v1/services/ports
expect_eq "delete the group" success "$(jqr '.data.service_groups[0].status')"

# --- durability ---------------------------------------------------------------------------------------
before=$(groups)
ukc_stop_daemon
ukc_start_daemon
expect_eq "groups survive a daemon restart" "$before" "$(groups)"
api g1 GET /v1/services "[{\"uuid\":\"$rep_group\"}]"
expect_eq "with their instances" 2 "$(jqr '.data.service_groups[0].instances | length')"
ukc_stop_daemon
ukc_start_daemon --metro fra0
api g1 POST /v1/services '{"domains":[{"name":"metro"}]}'
expect_eq "ukc-emu up --metro fra0: FQDNs below fra0.localhost" "metro.fra0.localhost" \
  "$(jqr '.data.service_groups[0].domains[0].fqdn')"

ukc_finish
