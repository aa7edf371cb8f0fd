#!/usr/bin/env bash
# Pre-booted templates with real QEMU (issue 16): the first launch of a kernel + runtime boots and
# has a template built; later launches restore it, and nothing instance-specific leaks:
#  (a) two instances restored from one template differ in boot_id and in the random bytes they
#      read; their wall clock is right; each console starts at the restore
#  (b) both answer through the proxy the moment they are created (held until they listen)
#  (c) a corrupt template gives a cold boot and a warning, never a failed launch, and is rebuilt
#  (d) an app packaged on a runtime (its own initrd layer) restores the runtime's template and
#      gets its files from the launch
# The app is runtimes/testapps/http-server (BOOT, RANDOM, TIME in its body). Templates go to a
# directory of this test's own (UKC_TEMPLATES).
# Needs: skopeo, curl, jq, python3, cpio, qemu (scripts/install-deps.sh --test).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/integration/guest.sh"
containers_sandbox
export UKC_TEMPLATES=$TEST_TMP/templates

W=$TEST_TMP/work
httpc_image "$W" || exit 1
mkdir -p "$W/app"
# (d)'s image: the runtime layer (ukc-init only) and the app's own layer (a plain newc cpio).
mkdir -p "$W/empty"
"$RT/build-initrd.sh" --out "$W/runtime" --init "$W/bin/ukc-init" --kmods "$KMODS" \
  --rootfs "$W/empty" 2>/dev/null || { echo "build-initrd (runtime) failed"; exit 1; }
mkdir -p "$W/app/srv" && cp "$W/bin/http-server" "$W/app/srv/"
(cd "$W/app" && find . | LC_ALL=C sort | cpio -o -H newc --quiet >"$W/app.cpio")
python3 "$ROOT/tests/tools/make-unikraft-image.py" "$W/img2" --kernel "$KERNEL" \
  --initrd "$W/runtime" --initrd "$W/app.cpio" --cmd /srv/http-server --cmd 8080 >/dev/null

ukc_start_daemon
check "push local/httpc:latest" sk copy --all --preserve-digests --dest-tls-verify=false \
  --dest-creds "$CREDS" "oci:$W/img:latest" "docker://$REG/local/httpc:latest"
check "push local/layered:latest (runtime + app layers)" sk copy --all --preserve-digests \
  --dest-tls-verify=false --dest-creds "$CREDS" "oci:$W/img2:latest" \
  "docker://$REG/local/layered:latest"

api() {  # api METHOD PATH [BODY]
  curl -s -m 60 -X "$1" -H "Authorization: Bearer $UKC_TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "http://$API/v1$2"
}
field() { api GET "/instances/$1" | jq -r ".data.instances[0].$2"; }
create() {  # create NAME IMAGE: an instance publishing 443 → 8080, started
  api POST /instances '{"name":"'"$1"'","image":"'"$2"'","memory_mb":128,"autostart":true,
    "service_group":{"services":[{"port":443,"destination_port":8080,"handlers":["http","tls"]}]}}' \
    >/dev/null
}
get() {  # get NAME: GET / through the proxy, once (held until the app listens)
  local fq
  fq=$(field "$1" 'service_group.domains[0].fqdn')
  curl -s -m 90 --cacert "$UKC_CA" --resolve "$fq:$PROXY_TLS:127.0.0.1" "https://$fq:$PROXY_TLS/"
}
value() { sed -n "s/^$1=//p"; }
log_of() {
  api GET /instances/log '{"name":"'"$1"'","offset":0,"limit":65536}' |
    jq -r '.data.instances[0].output' | base64 -d
}
wait_log() {  # wait_log PATTERN COUNT SECONDS: the daemon log has COUNT lines matching
  for _ in $(seq 1 $(($3 * 10))); do
    (($(grep -c "$1" "$TEST_TMP/daemon.log") >= $2)) && return 0
    sleep 0.1
  done
  return 1
}

# --- the first launch boots and has a template built ---------------------------------------------
create first local/httpc:latest
check "first: served" grep -q 'hello from ukc guest' <<<"$(get first)"
check "first: booted (its console has the kernel's boot)" grep -q '"event":"boot"' <<<"$(log_of first)"
check "a template of its kernel + initrd is built" wait_log 'template .* ready in' 1 120

# --- (a), (b) two launches restore it ------------------------------------------------------------
create a local/httpc:latest
create b local/httpc:latest
body_a=$(get a)
body_b=$(get b)
check "(b) a answers at once, restored" grep -q 'hello from ukc guest' <<<"$body_a"
check "(b) b answers at once, restored" grep -q 'hello from ukc guest' <<<"$body_b"
check "(a) both were restored from the template" wait_log 'restored from template' 2 5
check "(a) a's console starts at the restore (no boot, a restored report)" bash -c \
  "log=\$(cat); grep -q '\"event\":\"restored\"' <<<\"\$log\" && ! grep -q '\"event\":\"boot\"' <<<\"\$log\"" \
  <<<"$(log_of a)"
boot_a=$(value BOOT <<<"$body_a") boot_b=$(value BOOT <<<"$body_b")
check "(a) boot ids differ ($boot_a, $boot_b)" \
  bash -c "[[ -n '$boot_a' && '$boot_a' != '?' && '$boot_a' != '$boot_b' ]]"
check "(a) boot ids differ from the booted instance's" \
  bash -c "[[ '$boot_a' != '$(get first | value BOOT)' ]]"
rand_a=$(value RANDOM <<<"$body_a") rand_b=$(value RANDOM <<<"$body_b")
check "(a) random bytes differ ($rand_a, $rand_b)" \
  bash -c "[[ '${#rand_a}' == 32 && '$rand_a' != '$rand_b' ]]"
time_a=$(value TIME <<<"$body_a")
check "(a) the wall clock is right ($time_a vs $(date +%s))" \
  bash -c "(( ${time_a:-0} > $(date +%s) - 10 && ${time_a:-0} <= $(date +%s) + 2 ))"

# --- (c) a corrupt template ----------------------------------------------------------------------
for state in "$UKC_TEMPLATES"/*/state; do head -c 4096 /dev/urandom >"$state"; done
create c local/httpc:latest
check "(c) the launch boots instead, and is served" grep -q 'hello from ukc guest' <<<"$(get c)"
check "(c) with a warning" wait_log 'its template did not restore' 1 5
check "(c) the template is built again" wait_log 'template .* ready in' 2 120

# --- (d) an app on a runtime: the runtime's template, the app's layer from the launch ------------
api DELETE /instances '[{"name":"first"},{"name":"a"},{"name":"b"},{"name":"c"}]' >/dev/null  # quota
create d1 local/layered:latest
check "(d) the first one is served (booted)" grep -q 'hello from ukc guest' <<<"$(get d1)"
check "(d) the runtime's template is built" wait_log 'template .* ready in' 3 120
create d2 local/layered:latest
check "(d) the second one restores the runtime's template and gets the app's files" \
  grep -q 'hello from ukc guest' <<<"$(get d2)"
check "(d) its console reports the app's layer" \
  grep -Eq '"event":"restored","app_bytes":[1-9][0-9]*' <<<"$(log_of d2)"

api DELETE /instances '[{"name":"d1"},{"name":"d2"}]' >/dev/null
ukc_finish
