#!/usr/bin/env bash
# The kraft CLI's instance commands against the real daemon and real QEMU VMs (kraft-cli.md
# §2.2–2.6): a Python app image built on official/python:3.12 (its kernel and initrd layers plus a
# cpio with /src/*.py) is pushed to the registry, then
#  (a) `image list` shows what the registry holds
#  (b) create --start → running (fancy summary) → logs (all, --tail) → stop (stop origin and
#      reason) → logs -f ends with kraft's "The instance has exited" block → start → remove
#  (c) -R 1 creates two instances, both in `instance list`, both logged with name prefixes
#  (d) --restart on-failure with an app that exits 3: restart_count grows
#  (e) API and flag errors are shown kraft-style (" E  …") with exit code 1
# Set UKC_VMM=fake to run against in-memory VMs (parts that need real guest output are skipped).
# Needs: skopeo, curl, jq, cpio, python3, qemu (scripts/install-deps.sh --test).
source "$(dirname "$0")/lib.sh"
containers_sandbox
KRAFT=${KRAFT:-$(dirname "$UKC_EMU")/kraft}
export HOME=$TEST_TMP/home KRAFTKIT_CONFIG_DIR=$TEST_TMP/kraftkit  # no stray config.yaml
unset UNIKRAFTCLOUD_TOKEN KRAFTCLOUD_TOKEN KC_TOKEN UNIKRAFTCLOUD_METRO KRAFTCLOUD_METRO KC_METRO
REAL_VMS=1
[[ "${UKC_VMM:-}" == fake ]] && REAL_VMS=0

UKC_DATA=$TEST_TMP/data
check "runtime build python:3.12" \
  timeout 900 "$UKC_EMU" runtime build --data-dir "$UKC_DATA" python:3.12
ukc_start_daemon

# --- the app image: python:3.12's kernel and initrd, plus /src/server.py and /src/crash.py -----
# layer_file ROLE ANNOTATION OUT: extracts unikraft/bin/ROLE of official/python:3.12 to OUT.
layer_file() {
  local accept=application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json
  local index manifest digest
  local repo=http://$REG/v2/official/python
  index=$(curl -sf -u "$CREDS" -H "Accept: $accept" "$repo/manifests/3.12")
  manifest=$(curl -sf -u "$CREDS" -H "Accept: $accept" \
    "$repo/manifests/$(jq -r '.manifests[0].digest' <<<"$index")")
  digest=$(jq -r --arg a "$2" '.layers[] | select(.annotations[$a] != null) | .digest' \
    <<<"$manifest")
  curl -sf -u "$CREDS" "$repo/blobs/$digest" | tar -xOf - "unikraft/bin/$1" >"$3"
}
mkdir -p "$TEST_TMP/app/src"
cat >"$TEST_TMP/app/src/server.py" <<'PY'
import http.server
print("hello from the kraft e2e app", flush=True)
for i in range(3):
    print(f"line {i}", flush=True)
http.server.HTTPServer(("", 8080), http.server.SimpleHTTPRequestHandler).serve_forever()
PY
cat >"$TEST_TMP/app/src/crash.py" <<'PY'
import sys
print("crashing on purpose", flush=True)
sys.exit(3)
PY
check "python:3.12 kernel layer" layer_file kernel org.unikraft.kernel.image "$TEST_TMP/kernel"
check "python:3.12 initrd layer" layer_file initrd org.unikraft.kernel.initrd "$TEST_TMP/initrd"
(cd "$TEST_TMP/app" && find src | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) \
  >"$TEST_TMP/app.cpio"
cat "$TEST_TMP/initrd" "$TEST_TMP/app.cpio" >"$TEST_TMP/initrd.app"
python3 "$(dirname "$0")/../tools/make-unikraft-image.py" "$TEST_TMP/img" \
  --kernel "$TEST_TMP/kernel" --initrd "$TEST_TMP/initrd.app" \
  --cmd /usr/bin/python3 --cmd /src/server.py >/dev/null
check "push local/pyapp:latest" sk copy --all --preserve-digests --dest-tls-verify=false \
  --dest-creds "$CREDS" "oci:$TEST_TMP/img:latest" "docker://$REG/local/pyapp:latest"

out() { "$KRAFT" "$@" 2>"$TEST_TMP/err"; }
# field NAME KEY: one column of `instance get NAME -o json` ("" when the call fails).
field() { "$KRAFT" cloud instance get "$1" -o json 2>/dev/null | jq -r ".[0].$2" 2>/dev/null; }
# wait_field NAME KEY VALUE SECONDS: polls until the column has the value.
wait_field() {
  local deadline=$((SECONDS + $4))
  while ((SECONDS < deadline)); do
    [[ "$(field "$1" "$2")" == "$3" ]] && return 0
    sleep 0.5
  done
  echo "$1.$2 is $(field "$1" "$2"), not $3"
  return 1
}
# wait_logs NAME TEXT SECONDS: polls `instance logs` until it contains TEXT.
wait_logs() {
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    "$KRAFT" cloud instance logs "$1" 2>/dev/null | grep -qF "$2" && return 0
    sleep 1
  done
  echo "logs of $1:"; "$KRAFT" cloud instance logs "$1" | tail -20
  return 1
}

# --- (a) ----------------------------------------------------------------------------------------
check "(a) image list shows local/pyapp latest" \
  grep -Eq '^local/pyapp +latest +[0-9.]+ MB$' <<<"$(out cloud image list)"

# --- (b) ----------------------------------------------------------------------------------------
summary=$(out cloud instance create --start -M 256 --name py local/pyapp)
expect_eq "(b) create --start exits 0" 0 $?
check "(b) kraft's scale-to-zero note without ports" \
  grep -qx ' i  no ports or service specified, disabling scale to zero' "$TEST_TMP/err"
check "(b) summary title" grep -q '^\[●\] Deployed successfully!' <<<"$summary"
check "(b) summary: name line with kraft's key padding" \
  grep -q '^ ├───────── name: py ' <<<"$summary"
check "(b) summary: metro is the raw metro value" grep -qF "metro: $UKC_METRO " <<<"$summary"
check "(b) summary: image pinned to a digest" grep -q 'image: local/pyapp@sha256:' <<<"$summary"
check "(b) summary: memory" grep -q 'memory: 256 MiB ' <<<"$summary"
check "(b) summary: the image's args, padded" \
  grep -Eq '^ └─+ args: /usr/bin/python3 /src/server.py +$' <<<"$summary"
check "(b) py reaches running" wait_field py state running 120
if ((REAL_VMS)); then
  check "(b) logs show the app's output" wait_logs py "hello from the kraft e2e app" 60
  # The console is a serial line: its lines end in \r\n, and kraft prints them as they are.
  expect_eq "(b) logs --tail 2: the last two lines" "line 1
line 2" "$(out cloud instance logs py --tail 2 | tr -d '\r')"
fi
table=$(out cloud instance list)
check "(b) list: kraft's table header" \
  grep -Eq '^NAME +FQDN +STATE +STATUS +IMAGE +MEMORY +VCPUS +ARGS +BOOT' \
  <<<"$(head -1 <<<"$table")"
check "(b) list: py is running since some seconds" grep -Eq '^py +running +since ' <<<"$table"
check "(b) get: list format" grep -q '^ *restart policy: never$' <<<"$(out cloud instance get py)"
timeout 90 "$KRAFT" cloud instance logs -f py >"$TEST_TMP/follow.out" 2>&1 &
follow_pid=$!
sleep 2
check "(b) stop" "$KRAFT" cloud instance stop py
wait "$follow_pid"
expect_eq "(b) logs -f returns by itself once py has stopped" 0 $?
check "(b) logs -f printed the exit block" \
  grep -q '^The instance has exited (.*)\.$' "$TEST_TMP/follow.out"
((REAL_VMS)) && check "(b) logs -f printed the app's output first" \
  grep -q 'hello from the kraft e2e app' "$TEST_TMP/follow.out"
check "(b) stop logs kraft's line" \
  grep -qx ' i  stopping 1 instance(s)' <<<"$("$KRAFT" cloud inst stop py 2>&1)"
check "(b) py reaches stopped" wait_field py state stopped 60
expect_eq "(b) stop origin: the user" "initiated by user" "$(field py stop_origin | sed 's/ (.*//')"
check "(b) stop reason has kraft's code in parentheses" \
  grep -Eq '\((i|t)[0-9]+ [A-Z]+' <<<"$(field py stop_reason)"
follow=$(timeout 30 "$KRAFT" cloud instance logs -f py 2>&1)
expect_eq "(b) logs -f on a stopped instance returns" 0 $?
check "(b) logs -f ends with kraft's exit block" \
  grep -q '^The instance has exited (.*)\.$' <<<"$follow"
check "(b) logs -f names the get command" grep -qP '^\tkraft cloud instance get py$' <<<"$follow"
check "(b) start" "$KRAFT" cloud instance start py
check "(b) py running again" wait_field py state running 120
expect_eq "(b) start_count 2" 2 "$(field py start_count)"
check "(b) remove" "$KRAFT" cloud instance rm py
"$KRAFT" cloud instance get py >/dev/null 2>"$TEST_TMP/err"
expect_eq "(b) get after remove: exit 1" 1 $?
check "(b) get after remove: the API's not-found item, kraft-style" \
  grep -q "No instance with name 'py' (code=8)" "$TEST_TMP/err"

# --- (c) ----------------------------------------------------------------------------------------
check "(c) create --start -R 1" \
  "$KRAFT" cloud instance create --start -R 1 -M 256 --name rep local/pyapp
expect_eq "(c) two instances listed" 2 "$(out cloud instance list -o json | jq length)"
mapfile -t names < <(out cloud instance list -o json | jq -r '.[].name')
check "(c) both reach running" \
  bash -c "$(declare -f field wait_field); KRAFT='$KRAFT'; wait_field '${names[0]}' state running 120 &&
    wait_field '${names[1]}' state running 120"
if ((REAL_VMS)); then
  check "(c) the replica runs the app too" wait_logs "${names[1]}" "hello from the kraft e2e app" 60
fi
logs=$(out cloud instance logs "${names[@]}")
longest=$(( ${#names[0]} > ${#names[1]} ? ${#names[0]} : ${#names[1]} ))
check "(c) logs of two: lines prefixed with the padded name" \
  grep -q "^$(printf "%-${longest}s" "${names[0]}") | " <<<"$logs"
check "(c) logs of two: both prefixes" grep -q "^$(printf "%-${longest}s" "${names[1]}") | " <<<"$logs"
check "(c) --no-prefix drops them" \
  bash -c "! '$KRAFT' cloud instance logs --no-prefix ${names[*]} | grep -q ' | '"
check "(c) get of two, as a table" \
  test "$(out cloud instance get -o table "${names[@]}" | wc -l)" -eq 3
check "(c) both from the same image" \
  jq -e 'map(.image | startswith("local/pyapp@sha256:")) | all' \
  <<<"$(out cloud instance ls -o json)"
check "(c) remove --all" "$KRAFT" cloud instance remove --all
expect_eq "(c) nothing left" 0 "$(out cloud instance list -o json | jq length)"

# --- (d) ----------------------------------------------------------------------------------------
check "(d) create --restart on-failure with an app that exits 3" \
  "$KRAFT" cloud instance create --start -M 256 --restart on-failure --name crash \
  --entrypoint /usr/bin/python3 local/pyapp -- /src/crash.py
expect_eq "(d) restart policy" on-failure "$(field crash restart_policy)"
restarted() {
  local deadline=$((SECONDS + 180))
  while ((SECONDS < deadline)); do
    (($(field crash restart_count || echo 0) >= 2)) && return 0
    sleep 1
  done
  echo "restart_count is $(field crash restart_count)"; return 1
}
if ((REAL_VMS)); then  # fake VMs do not run the app, so it never exits
  check "(d) restart_count reaches 2" restarted
  check "(d) the app's output is in the logs" wait_logs crash "crashing on purpose" 30
fi
check "(d) remove" "$KRAFT" cloud instance remove crash

# --- (e) ----------------------------------------------------------------------------------------
"$KRAFT" cloud instance create nope >/dev/null 2>"$TEST_TMP/err"
expect_eq "(e) unknown image: exit 1" 1 $?
expect_eq "(e) unknown image: kraft's message" ' E  no image with name: nope:latest' \
  "$(cat "$TEST_TMP/err")"
"$KRAFT" cloud instance create -M 1Ki local/pyapp >/dev/null 2>"$TEST_TMP/err"
expect_eq "(e) -M 1Ki: exit 1" 1 $?
check "(e) -M 1Ki: kraft's message" grep -qx ' E  memory must be at least 1Mi' "$TEST_TMP/err"
"$KRAFT" cloud instance create -p 80:8080/h2 local/pyapp >/dev/null 2>"$TEST_TMP/err"
check "(e) bad handler: kraft's message" \
  grep -qx ' E  unknown handler: h2 (choice of \[tls http redirect\])' "$TEST_TMP/err"
"$KRAFT" cloud instance logs nope >/dev/null 2>"$TEST_TMP/err"
expect_eq "(e) logs of an unknown instance: exit 1" 1 $?
check "(e) logs of an unknown instance: the API's item error" \
  grep -q "No instance with name 'nope' (code=8)" "$TEST_TMP/err"
"$KRAFT" cloud instance stop nope >/dev/null 2>"$TEST_TMP/err"
check "(e) stop of an unknown instance: kraft's wrapping" \
  grep -q '^ E  stopping 1 instance(s): ' "$TEST_TMP/err"
"$KRAFT" cloud instance remove >/dev/null 2>"$TEST_TMP/err"
check "(e) remove without names: kraft's message" \
  grep -qx ' E  either specify an instance name or UUID, or use the --all flag' "$TEST_TMP/err"
"$KRAFT" cloud instance list --token "$(printf 'robot$local.users.kraftcloud:wrong' | base64 -w0)" \
  >/dev/null 2>"$TEST_TMP/err"
check "(e) bad token: kraft's API error display" \
  grep -q '^ E  could not list instances: API error: status code 401, message: {' "$TEST_TMP/err"

# --- (f) where ukc-emu serves published ports ---------------------------------------------------------
# kraft names the local URL of 443 and, for other ports, where the proxy listens: the same number
# when free, else another one (here the port is taken by another process).
python3 -c 'import socket,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True)
time.sleep(600)' >"$TEST_TMP/taken.port" &
TAKER=$!
for _ in $(seq 1 50); do [[ -s "$TEST_TMP/taken.port" ]] && break; sleep 0.1; done
taken=$(cat "$TEST_TMP/taken.port")
"$KRAFT" cloud instance create -p 443:8080/http+tls -p "$taken:8080/tls" --name ports local/pyapp \
  >/dev/null 2>"$TEST_TMP/err"
expect_eq "(f) create with 443 and a taken port: exit 0" 0 $?
fqdn=$(grep -oE 'serves https://[^ ]+' "$TEST_TMP/err" | head -1 | sed 's|serves https://||')
check "(f) the 443 hint names the proxy's TLS port" \
  grep -qx " i  ukc-emu serves https://$fqdn at https://$fqdn:$PROXY_TLS/" "$TEST_TMP/err"
moved=$(sed -nE "s/^ i  ukc-emu serves port $taken of $fqdn at $fqdn:([0-9]+)$/\1/p" "$TEST_TMP/err")
check "(f) the taken port is served on another local port" test -n "$moved" -a "$moved" != "$taken"
check "(f) the proxy listens there" bash -c "exec 3<>/dev/tcp/127.0.0.1/$moved"
kill "$TAKER" 2>/dev/null
check "(f) remove" "$KRAFT" cloud instance remove ports

ukc_finish
