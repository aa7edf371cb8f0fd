#!/usr/bin/env bash
# The kraft CLI's service commands against the real daemon with in-memory VMs (UKC_VMM=fake;
# kraft-cli.md §2.8, §4.4, §4.5): service create (ports, -n, -s, -d, -l/-L, output formats),
# list/get (table, list, json, yaml, raw), remove (by name, --all, refused while attached), the
# aliases, flag errors; `instance create -p 443:8080` shows `domain: https://…` and `service:` in
# its summary and the FQDN in `instance list`; `instance create -g NAME` attaches.
source "$(dirname "$0")/lib.sh"
containers_sandbox
export UKC_VMM=fake
KRAFT=${KRAFT:-$(dirname "$UKC_EMU")/kraft}
export HOME=$TEST_TMP/home KRAFTKIT_CONFIG_DIR=$TEST_TMP/kraftkit  # no stray config.yaml
unset UNIKRAFTCLOUD_TOKEN KRAFTCLOUD_TOKEN KC_TOKEN UNIKRAFTCLOUD_METRO KRAFTCLOUD_METRO KC_METRO

ukc_start_daemon
push_test_image local/app:latest
out() { "$KRAFT" "$@" 2>"$TEST_TMP/err"; }
fails_with() {  # fails_with REGEX CMD…: exit 1 and a kraft error line matching REGEX
  local regex=$1; shift
  if "$KRAFT" "$@" >/dev/null 2>"$TEST_TMP/err"; then echo "exit 0"; return 1; fi
  grep -q "^ E  " "$TEST_TMP/err" && grep -Eq "$regex" "$TEST_TMP/err" ||
    { cat "$TEST_TMP/err"; return 1; }
}

# --- create -----------------------------------------------------------------------------------
table=$(out cloud service create -n web -s foo -l 2 -L 20 443:8080/http+tls 80:443/http+redirect)
expect_eq "create exits 0" 0 $?
expect_eq "create prints the services table header" \
  "NAME FQDN SERVICES INSTANCES CREATED AT PERSISTENT" "$(head -1 <<<"$table" | tr -s ' ')"
check "create: web's row (80 columns off a TTY: SERVICES truncated)" grep -Eq \
  '^web +foo\.local\.localhost +443:8080/http\+t\.\.\. +(now|[0-9]+ seconds? ago) +true$' \
  <<<"$(tail -1 <<<"$table")"
expect_eq "get -o json: SERVICES cell, INSTANCES, CREATED AT (humanized)" \
  "443:8080/http+tls 80:443/http+redirect||true" \
  "$(out cloud service get web -o json | jq -r '.[0] | "\(.services)|\(.instances)|\(.created_at | test("^(now|[0-9]+ seconds? ago)$"))"')"
json=$(out cloud svc new -d example.com -o json 8443:8080/tls)
expect_eq "svc new (alias) -o json: generated name, the FQDN as is, limits" \
  "true example.com 8443:8080/tls 1 65535" \
  "$(jq -r '.[0] | "\(.name | test("^[a-z]+-[a-z]+-[a-z0-9]{8}$")) \(.fqdn) \(.services) \(.soft_limit) \(.hard_limit)"' <<<"$json")"
gen=$(jq -r '.[0].name' <<<"$json")
gen_uuid=$(jq -r '.[0].uuid' <<<"$json")

# --- list / get ---------------------------------------------------------------------------------
list=$(out cloud service list)
check "list: web and the generated group" grep -q "^$gen " <<<"$list"
check "list: web" grep -q '^web ' <<<"$list"
expect_eq "ls -o json: every column" \
  "created_at fqdn hard_limit instances name persistent services soft_limit uuid" \
  "$(out cloud services ls -o json | jq -r '.[0] | keys | join(" ")')"
get=$(out cloud service get web)
check "get (list format): right-aligned lower-case headers" grep -q '^ *soft limit: 2$' <<<"$get"
check "get: hard limit" grep -q '^ *hard limit: 20$' <<<"$get"
check "get: fqdn" grep -q '^ *fqdn: foo.local.localhost$' <<<"$get"
check "get -o yaml" grep -q "^  uuid: $gen_uuid\$" <<<"$(out cloud service gt "$gen_uuid" -o yaml)"
expect_eq "get -o raw: the API body" "success web" \
  "$(out cloud service get web -o raw | jq -r '"\(.status) \(.data.service_groups[0].name)"')"
check "get ghost fails with the API's message" fails_with "No service with name 'ghost'" \
  cloud service get ghost

# --- errors -----------------------------------------------------------------------------------------
check "create: a rule violation is the API's item error" fails_with "Port 80" \
  cloud service create 80:8080/http+tls
check "create: an unknown handler (kraft's message)" fails_with "unknown handler: gzip" \
  cloud service create 8443:8080/gzip
check "create: soft > hard" fails_with "soft limit" cloud service create -l 10 -L 5 8443:80/tls
check "create: a domain in use" fails_with "already in use" cloud service create -s foo 9443:80/tls
check "create: no ports (a usage error)" \
  bash -c '! "$0" cloud service create -n x >"$1" 2>&1 && grep -q "ports is required" "$1"' \
  "$KRAFT" "$TEST_TMP/usage"
check "create: -o bogus" fails_with "invalid output format: bogus" \
  cloud service create -o bogus 9443:80/tls
check "remove without arguments" fails_with "either specify" cloud service remove

# --- instances ------------------------------------------------------------------------------------
summary=$(out cloud instance create --start -p 443:8080 --name site local/app)
expect_eq "instance create -p 443:8080 exits 0" 0 $?
site_group=$(out cloud instance get site -o json | jq -r '.[0].service')
check "summary: domain https://<group>.local.localhost" \
  grep -Eq "^ ├─+ domain: https://$site_group\.local\.localhost +\$" <<<"$summary"
check "summary: service <group name>" grep -Eq "^ ├─+ service: $site_group +\$" <<<"$summary"
expect_eq "instance list -o json: the FQDN column" "$site_group.local.localhost" \
  "$(out cloud instance list -o json | jq -r '.[] | select(.name == "site") | .fqdn')"
summary=$(out cloud instance create -g web --name w1 local/app)
check "instance create -g web: domain without https (web has 443)" \
  grep -Eq '^ ├─+ domain: https://foo\.local\.localhost +$' <<<"$summary"
check "instance create -g web: service web" grep -Eq '^ ├─+ service: web +$' <<<"$summary"
check "services list: web's instances" grep -Eq '^web .* w1 ' <<<"$(out cloud service list)"
check "remove web while attached fails" fails_with "attached" cloud service remove web
check "instance remove w1" "$KRAFT" cloud instance remove w1
check "remove web logs kraft's line" \
  grep -qx ' i  removing 1 service group(s)' <<<"$("$KRAFT" cloud service rm web 2>&1)"
check "web is gone" fails_with "No service with name 'web'" cloud service get web
check "remove site's instance: its group goes along" "$KRAFT" cloud instance rm site
check "site's group is gone" fails_with "No service with name '$site_group'" \
  cloud service get "$site_group"
check "remove --all" "$KRAFT" cloud service remove --all
expect_eq "nothing left" "" "$(out cloud service list -o json | jq -r '.[].name')"
check "remove --all with nothing: kraft's note" \
  grep -qx ' i  no service groups found' <<<"$("$KRAFT" cloud service remove --all 2>&1)"

ukc_finish
