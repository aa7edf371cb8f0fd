#!/usr/bin/env bash
# The service proxy in front of real QEMU instances (issue 5; image-format.md §4):
#  (a) `kraft cloud instance create -p 443:8080` → https://<fqdn> on the proxy's TLS port answers
#      with a certificate from the local CA (`ukc-emu ca`); port 80 redirects to https
#  (b) two replicas both receive traffic (fewest requests in flight, ties in turn); while one is
#      busy with a slow request, the others go to the other one
#  (c) a replica killed mid-test: the other one keeps serving; with none left a clear 503
#  (d) bad input to the proxy: malformed HTTP → 400, TLS garbage, unknown host → 404 — and the
#      proxy keeps serving
#  (e) scale-to-zero: after the cooldown the instance is standby (stop_reason 7); the next
#      request wakes it (fresh app: COUNT=1); stateful: the app's in-memory counter survives;
#      policy idle: standby while a keep-alive connection stays open, whose next request wakes it
# The app is runtimes/testapps/http-server (BOOT=<boot id>, COUNT=<requests served>) on the
# Debian cloud kernel + ukc-init, as tests/integration builds it.
# Needs: skopeo, curl, jq, openssl, python3, qemu (scripts/install-deps.sh --test).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/integration/guest.sh"
containers_sandbox
kraft_sandbox

W=$TEST_TMP/work
httpc_image "$W" || exit 1

ukc_start_daemon
check "push local/httpc:latest" sk copy --all --preserve-digests --dest-tls-verify=false \
  --dest-creds "$CREDS" "oci:$W/img:latest" "docker://$REG/local/httpc:latest"

api() {  # api METHOD PATH [BODY]
  curl -s -m 60 -X "$1" -H "Authorization: Bearer $UKC_TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "http://$API/v1$2"
}
field() { api GET "/instances/$1" | jq -r ".data.instances[0].$2"; }
wait_state() {  # wait_state NAME STATE SECONDS
  local i
  for i in $(seq 1 $(($3 * 10))); do
    [[ "$(field "$1" state)" == "$2" ]] && return 0
    sleep 0.1
  done
  echo "state of $1: $(field "$1" state), wanted $2"
  return 1
}
# https FQDN [curl args]: GET / through the proxy's TLS port, trusting only the local CA.
https() {
  local fqdn=$1; shift
  curl -s -m 20 --cacert "$UKC_CA" --resolve "$fqdn:$PROXY_TLS:127.0.0.1" "$@" \
    "https://$fqdn:$PROXY_TLS/"
}
wait_https_200() {  # the app listens a moment after it started
  local i
  for i in $(seq 1 100); do
    [[ "$(https "$1" -o /dev/null -w '%{http_code}')" == 200 ]] && return 0
    sleep 0.2
  done
  return 1
}
boot_of() { https "$1" | sed -n 's/^BOOT=//p'; }
count_of() { https "$1" | sed -n 's/^COUNT=//p'; }

# --- (a) TLS with the local CA, redirect on 80 ---------------------------------------------------
check "ukc-emu ca prints the CA path" bash -c "'$UKC_EMU' ca --data-dir '$UKC_DATA' | grep -qF '$UKC_CA'"
check "kraft cloud instance create -p 443:8080 -R 1 --start" \
  timeout 60 "$KRAFT" cloud instance create -p 443:8080 -R 1 -M 128 --name web --start \
  local/httpc:latest
FQDN=$(field web 'service_group.domains[0].fqdn')
check "the service has an FQDN below local.localhost" grep -q '\.local\.localhost$' <<<"$FQDN"
check "web is running" wait_state web running 60
check "https://<fqdn>:<tls port>/ answers 200 (certificate from the local CA)" wait_https_200 "$FQDN"
check "the body is the app's" bash -c "curl -s -m 20 --cacert '$UKC_CA' \
  --resolve '$FQDN:$PROXY_TLS:127.0.0.1' 'https://$FQDN:$PROXY_TLS/' | grep -q 'hello from ukc guest'"
check "the certificate is for the FQDN, issued by the ukc-emu CA" bash -c \
  "openssl s_client -connect 127.0.0.1:$PROXY_TLS -servername '$FQDN' -CAfile '$UKC_CA' \
     -verify_return_error </dev/null 2>/dev/null | grep -q 'Verify return code: 0'"
code_location=$(curl -s -m 10 -o /dev/null -w '%{http_code} %{redirect_url}' \
  --resolve "$FQDN:$PROXY_HTTP:127.0.0.1" "http://$FQDN:$PROXY_HTTP/some/path?q=1")
expect_eq "port 80 redirects to https (301, same path)" \
  "301 https://$FQDN:$PROXY_TLS/some/path?q=1" "$code_location"
check "curl -L follows the redirect to a 200" bash -c \
  "[[ \$(curl -s -m 20 -L --cacert '$UKC_CA' --resolve '$FQDN:$PROXY_HTTP:127.0.0.1' \
     --resolve '$FQDN:$PROXY_TLS:127.0.0.1' -o /dev/null -w '%{http_code}' \
     'http://$FQDN:$PROXY_HTTP/') == 200 ]]"

# --- (b) both replicas get traffic ---------------------------------------------------------------
REPLICA=$(api GET /instances | jq -r '.data.instances[] | select(.name != "web") | .name' | head -1)
check "the replica runs" wait_state "$REPLICA" running 60
sleep 2  # its app listens shortly after it started
: >"$W/boots"
for _ in $(seq 1 12); do boot_of "$FQDN" >>"$W/boots"; done
expect_eq "12 requests reached 2 different instances" 2 "$(sort -u "$W/boots" | grep -c .)"
# Per request, the fewest requests in flight: while /slow (2 s; the app serves one request at a
# time) holds one replica, three requests go to the other one and do not wait behind it.
curl -s -m 20 --cacert "$UKC_CA" --resolve "$FQDN:$PROXY_TLS:127.0.0.1" \
  "https://$FQDN:$PROXY_TLS/slow" | sed -n 's/^BOOT=//p' >"$W/slow-boot" &
slow_pid=$!
sleep 0.5
: >"$W/quick"
for _ in 1 2 3; do
  started=$(date +%s%N)
  quick_boot=$(boot_of "$FQDN")
  echo "$quick_boot $((($(date +%s%N) - started) / 1000000))" >>"$W/quick"
done
wait "$slow_pid"
check "the slow request was answered" test -s "$W/slow-boot"
expect_eq "while one replica is busy, 3 requests go to the other one, each in < 1.5 s" \
  "3 fast, none on $(cat "$W/slow-boot")" \
  "$(awk -v busy="$(cat "$W/slow-boot")" '$1 != busy && $1 != "" && $2 < 1500 { n++ }
       END { printf "%d fast, none on %s", n, busy }' "$W/quick")"

# --- (c) a backend killed mid-test ------------------------------------------------------------------
WEB_UUID=$(field web uuid)
pkill -9 -f "instances/$WEB_UUID" || pkill -9 -f "$WEB_UUID"
sleep 0.5
ok=0
for _ in $(seq 1 10); do [[ "$(https "$FQDN" -o /dev/null -w '%{http_code}')" == 200 ]] && ok=$((ok + 1)); done
expect_eq "after killing one replica all 10 requests succeed on the other" 10 "$ok"
check "the killed instance is recorded as stopped" wait_state web stopped 10
api PUT /instances/stop "[{\"name\":\"$REPLICA\",\"force\":true}]" >/dev/null
check "the replica stops" wait_state "$REPLICA" stopped 20
status_body=$(https "$FQDN" -w ' %{http_code}')
check "no instance left: a clear 503, not a hang ($status_body)" grep -q ' 503$' <<<"$status_body"

# --- (d) bad input to the proxy ----------------------------------------------------------------------
api PUT /instances/start '[{"name":"web"}]' >/dev/null
check "web runs again" wait_state web running 60
check "…and serves" wait_https_200 "$FQDN"
malformed=$(printf 'THIS IS NOT HTTP\r\n\r\n' | timeout 10 curl -s telnet://127.0.0.1:$PROXY_HTTP 2>/dev/null | head -1)
check "malformed HTTP gets 400 ($malformed)" grep -q '^HTTP/1.1 400' <<<"$malformed"
tls_garbage_closes() {  # the proxy ends a connection that sends no TLS handshake, within 5 s
  python3 - "$PROXY_TLS" <<'PY'
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"\x16\x03\x01\x00\x05" + os.urandom(3000))
try:
    while s.recv(4096):
        pass
except (ConnectionResetError, BrokenPipeError):
    pass
except socket.timeout:
    sys.exit("still open after 5 s")
PY
}
check "TLS garbage: the proxy closes the connection" tls_garbage_closes
unknown=$(curl -s -m 10 -o /dev/null -w '%{http_code}' --resolve "nope.local.localhost:$PROXY_HTTP:127.0.0.1" \
  "http://nope.local.localhost:$PROXY_HTTP/")
expect_eq "unknown host → 404" 404 "$unknown"
check "an unknown SNI fails the TLS handshake, not the proxy" bash -c \
  "! curl -s -m 10 --cacert '$UKC_CA' --resolve 'nope.local.localhost:$PROXY_TLS:127.0.0.1' \
     https://nope.local.localhost:$PROXY_TLS/"
check "the proxy still serves after the bad input" wait_https_200 "$FQDN"

# --- (e) scale-to-zero ---------------------------------------------------------------------------------
scale_to_zero_round() {  # scale_to_zero_round NAME STATEFUL
  local name=$1 fq before after sr starts
  fq=$(field "$name" 'service_group.domains[0].fqdn')
  check "$name: running" wait_state "$name" running 60
  check "$name: serves" wait_https_200 "$fq"
  before=$(count_of "$fq")
  check "$name: standby after the cooldown" wait_state "$name" standby 30
  sr=$(field "$name" stop_reason)
  expect_eq "$name: stop_reason 7 (--PAK)" 7 "$sr"
  if [[ "$2" == true ]]; then  # guest RAM stays in its shared file: the snapshot is device state
    local snap="$UKC_DATA/instances/$(field "$name" uuid)/standby.snapshot"
    check "$name: a snapshot of the device state only (< 4 MB)" \
      test -f "$snap" -a "$(stat -c %s "$snap" 2>/dev/null || echo 0)" -lt 4000000
  fi
  starts=$(field "$name" start_count)
  local t0=$(date +%s%N)
  after=$(count_of "$fq")
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "# $name: standby → response in $ms ms"
  check "$name: the request that woke it got an answer" test -n "$after"
  expect_eq "$name: it runs again" running "$(field "$name" state)"
  expect_eq "$name: start_count grew" $((starts + 1)) "$(field "$name" start_count)"
  if [[ "$2" == true ]]; then
    expect_eq "$name: stateful — the in-memory counter survived" $((before + 1)) "$after"
  else
    expect_eq "$name: stateless — a fresh app answered" 1 "$after"
  fi
}
check "create a scale-to-zero instance (policy on, cooldown 2s)" \
  timeout 60 "$KRAFT" cloud instance create -p 443:8080 --name lazy --scale-to-zero on \
  --scale-to-zero-cooldown 2s --start local/httpc:latest
scale_to_zero_round lazy false
# In standby, a stateless instance gets a ready snapshot (a fresh boot, saved once it listens):
# the next wake restores it instead of booting, and the app that answers is still a fresh one.
ready_snapshot_round() {
  local fq boot_before after t0 ms taken
  taken=$(grep -c 'instance lazy: ready snapshot taken' "$TEST_TMP/daemon.log")
  fq=$(field lazy 'service_group.domains[0].fqdn')
  boot_before=$(boot_of "$fq")
  check "lazy: standby again" wait_state lazy standby 30
  check "lazy: a ready snapshot is prepared in standby" bash -c "for _ in \$(seq 1 600); do
    [[ \$(grep -c 'instance lazy: ready snapshot taken' '$TEST_TMP/daemon.log') -gt $taken ]] && exit 0
    sleep 0.2; done; exit 1"
  t0=$(date +%s%N)
  after=$(count_of "$fq")
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "# lazy: standby → response in $ms ms (ready snapshot)"
  expect_eq "lazy: woken from the ready snapshot — a fresh app answered" 1 "$after"
  check "lazy: the wake restored the ready snapshot" \
    bash -c "grep 'instance lazy: waking from standby' '$TEST_TMP/daemon.log' | tail -1 | grep -q restore"
  check "lazy: not the app of the boot before" test "$(boot_of "$fq")" != "$boot_before"
}
ready_snapshot_round
check "create a stateful scale-to-zero instance" \
  timeout 60 "$KRAFT" cloud instance create -p 443:8080 --name keeper --scale-to-zero on \
  --scale-to-zero-cooldown 2s --scale-to-zero-stateful -M 128 --start local/httpc:latest
scale_to_zero_round keeper true
# Policy `idle`: an open keep-alive connection between requests does not keep the instance up;
# the next request on that same connection wakes it (stateful: the counter goes on). The app
# closes its side after each response; the proxy keeps the client's connection.
idle_round() {  # prints "first=N standby=yes second=M" from one TLS connection
  python3 - "$PROXY_TLS" "$1" "$UKC_CA" "$API" "$UKC_TOKEN" "$2" <<'PY'
import json, socket, ssl, sys, time, urllib.request
port, fqdn, ca, api, token, name = sys.argv[1:]
tls = ssl.create_default_context(cafile=ca).wrap_socket(
    socket.create_connection(("127.0.0.1", int(port)), timeout=60), server_hostname=fqdn)
reader = tls.makefile("rb")
def get():
    tls.sendall(f"GET / HTTP/1.1\r\nHost: {fqdn}\r\n\r\n".encode())
    status, length = reader.readline().split()[1].decode(), 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        key, _, value = line.decode().partition(":")
        if key.strip().lower() == "content-length":
            length = int(value)
    body = reader.read(length).decode()
    return status + ":" + body.split("COUNT=")[-1].split("\n")[0].strip()
def state():
    request = urllib.request.Request(f"http://{api}/v1/instances/{name}",
                                     headers={"Authorization": f"Bearer {token}"})
    return json.load(urllib.request.urlopen(request, timeout=10))["data"]["instances"][0]["state"]
first = get()
deadline = time.time() + 30
while state() != "standby" and time.time() < deadline:
    time.sleep(0.2)
print(f"first={first} standby={'yes' if state() == 'standby' else 'no'} second={get()}")
PY
}
check "create a stateful instance with scale-to-zero policy idle" \
  timeout 60 "$KRAFT" cloud instance create -p 443:8080 --name dozer --scale-to-zero idle \
  --scale-to-zero-cooldown 2s --scale-to-zero-stateful -M 128 --start local/httpc:latest
dozer_fq=$(field dozer 'service_group.domains[0].fqdn')
check "dozer: serves" wait_https_200 "$dozer_fq"
dozer_before=$(count_of "$dozer_fq")
expect_eq "dozer: standby with the connection open; the next request on it wakes the app" \
  "first=200:$((dozer_before + 1)) standby=yes second=200:$((dozer_before + 2))" \
  "$(idle_round "$dozer_fq" dozer 2>&1)"
# The soft limit (default 1): a request that finds every running replica busy wakes another
# standby one. Two replicas in standby, two concurrent slow requests: both replicas boot.
check "create two scale-to-zero replicas (-R 1)" \
  timeout 60 "$KRAFT" cloud instance create -p 443:8080 --name pair -R 1 --scale-to-zero on \
  --scale-to-zero-cooldown 2s --start local/httpc:latest
pair_group=$(field pair 'service_group.uuid')
pair_fq=$(field pair 'service_group.domains[0].fqdn')
pair_members() {  # "name start_count state" of the group's instances
  api GET /instances | jq -r --arg g "$pair_group" \
    '.data.instances[] | select(.service_group.uuid == $g) | "\(.name) \(.start_count) \(.state)"'
}
pair_count() {  # pair_count COLUMN VALUE: how many members have it (2 = start_count, 3 = state)
  pair_members | awk -v c="$1" -v v="$2" '$c == v' | wc -l
}
wait_pair() {  # wait_pair COLUMN VALUE SECONDS: until both members have it
  local i
  for i in $(seq 1 $(($3 * 10))); do
    [[ $(pair_count "$1" "$2") == 2 ]] && return 0
    sleep 0.1
  done
  echo "pair: $(pair_members | xargs)"
  return 1
}
check "pair: two members, both standby after the cooldown" wait_pair 3 standby 60
slow_pids=()
for _ in 1 2; do
  curl -s -m 60 --cacert "$UKC_CA" --resolve "$pair_fq:$PROXY_TLS:127.0.0.1" -o /dev/null \
    "https://$pair_fq:$PROXY_TLS/slow" &
  slow_pids+=($!)
  sleep 0.3
done
wait "${slow_pids[@]}"
check "pair: the request beyond the soft limit woke the second replica" \
  grep -q 'waking from standby (the running ones are at the soft limit)' "$TEST_TMP/daemon.log"
check "pair: both replicas booted again (start_count 2)" wait_pair 2 2 30
check "a standby instance can be stopped for good" bash -c \
  "sleep 4; [[ \$(curl -s -X PUT -H 'Authorization: Bearer $UKC_TOKEN' \
     http://$API/v1/instances/stop -d '[{\"name\":\"keeper\"}]' | jq -r '.status') == success ]]"
check "keeper stopped" wait_state keeper stopped 20

# The hard limit: never exceeded — with the one instance at hard_limit 1 busy, a second
# concurrent request gets a clear 503 (not queued) while the first is answered.
api POST /instances '{"name":"capped","image":"local/httpc:latest","memory_mb":128,"autostart":true,
  "service_group":{"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]}],
  "hard_limit":1}}' >"$W/capped.json"
capped_fq=$(field capped 'service_group.domains[0].fqdn')
capped_ready() { wait_state capped running 60 && wait_https_200 "$capped_fq"; }
check "capped (hard_limit 1) runs and answers" capped_ready
curl -s -m 30 --cacert "$UKC_CA" --resolve "$capped_fq:$PROXY_TLS:127.0.0.1" -o /dev/null \
  -w '%{http_code}' "https://$capped_fq:$PROXY_TLS/slow" >"$W/capped-first" &
capped_pid=$!
sleep 0.5
capped_second=$(https "$capped_fq" -w ' %{http_code}')
wait "$capped_pid"
expect_eq "capped: the request in flight is answered" 200 "$(cat "$W/capped-first")"
check "capped: the request beyond the hard limit gets 503 ($capped_second)" \
  grep -q 'hard limit of 1 requests in flight 503$' <<<"$(tr -d '\n' <<<"$capped_second")"
api DELETE /instances/capped >/dev/null

for m in $(pair_members | awk '{print $1}'); do api DELETE "/instances/$m" >/dev/null; done
api DELETE /instances '[{"name":"web"},{"name":"lazy"},{"name":"keeper"},{"name":"dozer"},{"name":"'"$REPLICA"'"}]' >/dev/null
ukc_finish
