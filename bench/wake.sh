#!/bin/bash
# bench/wake.sh [N]: scale-to-zero wake latency through the service proxy — standby → first HTTP
# 200 on https://<fqdn>:<tls port>/, median of N rounds (default 5) — for a stateless instance
# and a stateful one (the VM is restored from its snapshot). Stateless is measured twice: right
# after parking (the next connection boots the VM) and once the instance's ready snapshot is
# prepared (a fresh VM saved in standby; the next connection restores it).
# The app is runtimes/testapps/http-server on the base kernel + ukc-init (as
# tests/e2e/proxy_services_test.sh builds it). Targets (issue 5, TCG): stateless ≤ 1.5 s,
# stateful ≤ 0.3 s. Env: UKC_EMU (default build/bin/ukc-emu), UKC_RUNTIME_CACHE.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-5}
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/integration/guest.sh"
containers_sandbox
KRAFT=${KRAFT:-$(dirname "$UKC_EMU")/kraft}
export HOME=$TEST_TMP/home
W=$TEST_TMP/work
mkdir -p "$W/rootfs"
guest_pieces "$W/bin" || exit 1
cp "$W/bin/http-server" "$W/rootfs/"
"$RT/build-initrd.sh" --out "$W/initrd" --init "$W/bin/ukc-init" --kmods "$KMODS" \
  --rootfs "$W/rootfs" 2>/dev/null || exit 1
python3 "$ROOT/tests/tools/make-unikraft-image.py" "$W/img" --kernel "$KERNEL" \
  --initrd "$W/initrd" --cmd /http-server --cmd 8080 >/dev/null
UKC_LOG_LEVEL=info ukc_start_daemon
sk copy --all --preserve-digests --dest-tls-verify=false --dest-creds "$CREDS" \
  "oci:$W/img:latest" "docker://$REG/local/httpc:latest" >/dev/null || { echo "push failed"; exit 1; }

state() {
  curl -s -H "Authorization: Bearer $UKC_TOKEN" "http://$API/v1/instances/$1" |
    jq -r ".data.instances[0].$2"
}
now_ms() { date +%s%3N; }
get() {  # get FQDN: prints the HTTP code
  curl -s -m 30 -o /dev/null -w '%{http_code}' --cacert "$UKC_CA" \
    --resolve "$1:$PROXY_TLS:127.0.0.1" "https://$1:$PROXY_TLS/"
}
median() { tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }

readies() { grep -c "instance $1: ready snapshot taken" "$TEST_TMP/daemon.log"; }
measure() {  # measure NAME boot|ready|stateful: N wake times in ms
  local name=$1 fqdn times="" t0 code flags=() taken
  [[ $2 == stateful ]] && flags=(--scale-to-zero-stateful)
  "$KRAFT" cloud instance create -p 443:8080 --name "$name" -M 128 --scale-to-zero on \
    --scale-to-zero-cooldown 1s "${flags[@]}" --start local/httpc:latest >/dev/null || return 1
  fqdn=$(state "$name" 'service_group.domains[0].fqdn')
  for _ in $(seq 1 150); do [[ "$(get "$fqdn")" == 200 ]] && break; sleep 0.2; done
  for i in $(seq 1 "$N"); do
    taken=$(readies "$name")
    for _ in $(seq 1 300); do [[ "$(state "$name" state)" == standby ]] && break; sleep 0.1; done
    if [[ $2 == ready ]]; then
      for _ in $(seq 1 600); do (( $(readies "$name") > taken )) && break; sleep 0.1; done
    fi
    t0=$(now_ms)
    code=$(get "$fqdn")
    times+="$(( $(now_ms) - t0 )) "
    echo "# $name round $i: HTTP $code after $(( $(now_ms) - t0 )) ms (VM up after" \
      "$(( $(state "$name" boot_time_us) / 1000 )) ms)" >&2
  done
  curl -s -X DELETE -H "Authorization: Bearer $UKC_TOKEN" "http://$API/v1/instances/$name" >/dev/null
  echo "$times"
}
BOOTED=$(measure cold boot)
READY=$(measure fresh ready)
STATEFUL=$(measure warm stateful)
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(grep -o 'vmm .*' "$TEST_TMP/daemon.log" | head -1)"
printf '%-46s %6s ms  (runs: %s)  target ≤ 1500 ms\n' \
  "stateless, ready snapshot: standby → first 200" "$(median <<<"$READY")" "${READY% }"
printf '%-46s %6s ms  (runs: %s)\n' "stateless, woken while preparing (boots)" \
  "$(median <<<"$BOOTED")" "${BOOTED% }"
printf '%-46s %6s ms  (runs: %s)  target ≤ 300 ms\n' "stateful: standby → first 200" \
  "$(median <<<"$STATEFUL")" "${STATEFUL% }"
