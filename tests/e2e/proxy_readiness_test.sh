#!/usr/bin/env bash
# Routing readiness through the service proxy, with real QEMU (issue 16): an instance takes
# traffic only once its app listens, and a request that comes earlier is held, then served.
#  (a) `kraft cloud instance create --start` of an app that listens 2.5 s after it started: the
#      request sent the moment kraft returns is answered 200 (never the 502 of a forward that
#      accepts while nothing listens in the guest)
#  (b) a request that arrives while the only instance boots (start answers `starting` at once)
#      is held through the boot, then served
#  (c) the same for a TCP port published with only the tls handler (TLS, then a byte splice)
#  (d) an app that never listens: the request gets 503 after the hold bound, naming the reason
# The app is runtimes/testapps/http-server ($LISTEN_DELAY_MS before it listens).
# Needs: skopeo, curl, jq, openssl, python3, qemu (scripts/install-deps.sh --test).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/integration/guest.sh"
containers_sandbox
kraft_sandbox

W=$TEST_TMP/work
httpc_image "$W" || exit 1

HOLD=10  # seconds the proxy holds a request for an instance that does not listen yet
ukc_start_daemon --proxy-hold-timeout "$HOLD"
check "push local/httpc:latest" sk copy --all --preserve-digests --dest-tls-verify=false \
  --dest-creds "$CREDS" "oci:$W/img:latest" "docker://$REG/local/httpc:latest"

api() {  # api METHOD PATH [BODY]
  curl -s -m 60 -X "$1" -H "Authorization: Bearer $UKC_TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "http://$API/v1$2"
}
field() { api GET "/instances/$1" | jq -r ".data.instances[0].$2"; }
# once FQDN [curl args]: one GET / through the proxy's TLS port, no retry; prints body + status.
once() {
  local fqdn=$1; shift
  curl -s -m 90 --cacert "$UKC_CA" --resolve "$fqdn:$PROXY_TLS:127.0.0.1" -w '%{http_code}' "$@" \
    "https://$fqdn:$PROXY_TLS/"
}

# --- (a) create --start, then one request at once ------------------------------------------------
check "(a) kraft cloud instance create --start (the app listens 2.5 s after it starts)" \
  timeout 90 "$KRAFT" cloud instance create -p 443:8080 -M 128 --name slow \
  -e LISTEN_DELAY_MS=2500 --start local/httpc:latest
fq_slow=$(field slow 'service_group.domains[0].fqdn')
reply=$(once "$fq_slow")
check "(a) the request sent as kraft returns is answered 200 (${reply: -3})" \
  bash -c "[[ '${reply: -3}' == 200 ]] && grep -q 'hello from ukc guest' <<<'$reply'"

# --- (b) a request while the only instance boots -------------------------------------------------
api PUT /instances/stop '[{"name":"slow"}]' >/dev/null
stopped() {
  for _ in $(seq 1 300); do [[ $(field slow state) == stopped ]] && return 0; sleep 0.1; done
  return 1
}
check "(b) slow stopped" stopped
expect_eq "(b) start answers at once: starting" starting \
  "$(api PUT /instances/start '[{"name":"slow"}]' | jq -r '.data.instances[0].state')"
began=$SECONDS
reply=$(once "$fq_slow")
check "(b) held through the boot, then served 200 (${reply: -3}, $((SECONDS - began)) s)" \
  bash -c "[[ '${reply: -3}' == 200 ]] && grep -q 'hello from ukc guest' <<<'$reply'"

# --- (c) a TCP port (tls handler only: TLS, then a byte splice) ------------------------------------
api POST /instances '{"name":"rawtcp","image":"local/httpc:latest","memory_mb":128,"autostart":true,
  "env":{"LISTEN_DELAY_MS":"2000"},
  "service_group":{"services":[{"port":9000,"destination_port":8080,"handlers":["tls"]}]}}' \
  >"$W/raw.json"
expect_eq "(c) create answers at once: starting" starting \
  "$(jq -r '.data.instances[0].state' "$W/raw.json")"
raw_group=$(field rawtcp 'service_group.uuid')
fq_raw=$(field rawtcp 'service_group.domains[0].fqdn')
raw_port=$(api GET "/services/$raw_group" | jq -r '.data.service_groups[0].services[0].local_port')
check "(c) the proxy reports where port 9000 listens ($raw_port)" \
  bash -c "[[ '$raw_port' =~ ^[0-9]+$ ]] && (( $raw_port > 0 ))"
raw_reply=$(curl -s -m 90 --cacert "$UKC_CA" --resolve "$fq_raw:$raw_port:127.0.0.1" \
  -w '%{http_code}' "https://$fq_raw:$raw_port/")
check "(c) a TCP connection made while it boots is spliced once it listens (${raw_reply: -3})" \
  bash -c "[[ '${raw_reply: -3}' == 200 ]] && grep -q 'hello from ukc guest' <<<'$raw_reply'"

# --- (d) an app that never listens ---------------------------------------------------------------
check "(d) create --start an app that does not listen" \
  timeout 90 "$KRAFT" cloud instance create -p 443:8080 -M 128 --name deaf \
  -e LISTEN_DELAY_MS=600000 --start local/httpc:latest
fq_deaf=$(field deaf 'service_group.domains[0].fqdn')
began=$SECONDS
reply=$(once "$fq_deaf")
waited=$((SECONDS - began))
expect_eq "(d) 503 after the hold bound" 503 "${reply: -3}"
check "(d) the 503 names the reason: $(head -1 <<<"$reply")" \
  grep -q "listens on port 8080 after .* s (the app runs but does not listen)" <<<"$reply"
check "(d) held for the bound ($waited s, bound $HOLD s)" \
  bash -c "((waited = $waited, waited >= $HOLD - 1 && waited <= $HOLD + 15))"

api DELETE /instances '[{"name":"slow"},{"name":"rawtcp"},{"name":"deaf"}]' >/dev/null
ukc_finish
