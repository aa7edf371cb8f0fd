#!/bin/bash
# bench/boot.sh [N]: launch → first HTTP 200 through the hostfwd port, median of N (default 5),
# for our http-server image booted by `ukc-emu vm run` (kraftkit-format image pushed to a real
# `ukc-emu up`; base runtime's kernel + ukc-init + the C app) and for Python's http.server on
# official/python:3.12 (as `ukc-emu runtime build` packs it), interleaved with the anchor (Debian cloud kernel + busybox initrd serving HTTP
# on bare `qemu-system-x86_64 -M q35`) and with the same guest on bare QEMU (ours-microvm), both
# measured by tests/integration/boot_time.sh. Prints medians, ratios and where the time goes
# (from the console's ukc-init uptime_ms and vm run's boot_time_us); then bench/served.sh N: the
# issue-16 figures through the service proxy (templates), with their own anchor rounds.
# Env: UKC_EMU (default build/bin/ukc-emu), UKC_RUNTIME_CACHE.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-5}
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/integration/lib.sh"   # now_ms, wait_http
source "$ROOT/tests/integration/guest.sh"  # guest_pieces, RT, CACHE
W=$TEST_TMP/work; mkdir -p "$W"
VPID=
trap '[ -n "$VPID" ] && kill -9 $VPID 2>/dev/null; ukc_cleanup' EXIT

guest_pieces "$W/bin" || exit 1
mkdir -p "$W/rootfs" && cp "$W/bin/http-server" "$W/rootfs/"
"$RT/build-initrd.sh" --out "$W/initrd" --init "$W/bin/ukc-init" --kmods "$KMODS" --rootfs "$W/rootfs" 2>/dev/null
python3 "$ROOT/tests/tools/make-unikraft-image.py" "$W/img" --kernel "$KERNEL" --initrd "$W/initrd" \
  --cmd /http-server --cmd 8080 --env GREETING=bench >/dev/null
ukc_start_daemon
skopeo copy --all --preserve-digests --dest-tls-verify=false --dest-creds "$CREDS" \
  oci:"$W/img":latest docker://"$REG"/local/httpc:latest >/dev/null 2>&1 || { echo "push failed"; exit 1; }
ukc_stop_daemon
"$UKC_EMU" runtime build --data-dir "$UKC_DATA" python:3.12 >/dev/null 2>&1 || { echo "runtime build failed"; exit 1; }

run_vm() {  # run_vm IMAGE [vm run args]: prints "ms boot_us kernel_ms appstart_ms" for one `vm run`
  local out=$W/vm.out err=$W/vm.err t0 port ms=FAIL image=$1; shift
  t0=$(now_ms)
  "$UKC_EMU" vm run --data-dir "$UKC_DATA" "$image" -p 8080 "$@" >"$out" 2>"$err" & VPID=$!
  # vm run prints the port once QEMU runs (after the accelerator probe on a machine without a
  # cached result: up to 12 s where /dev/kvm exists but hangs; 4 s here made one run in three FAIL)
  for _ in $(seq 1 3000); do port=$(sed -n 's/^port 8080 -> 127.0.0.1://p' "$out"); [ -n "$port" ] && break; sleep 0.01; done
  WAIT_HTTP_MAX_TIME=0.3 wait_http "http://127.0.0.1:$port/" 60 "$W/body" && ms=$(( $(now_ms) - t0 ))
  kill -INT $VPID; wait $VPID 2>/dev/null; VPID=
  echo "$ms $(grep -o 'boot_time_us [0-9]*' "$err" | grep -o '[0-9]*$') \
$(grep -o '"boot","uptime_ms":[0-9]*' "$out" | grep -o '[0-9]*$') \
$(grep -o '"app-start","pid":[0-9]*,"uptime_ms":[0-9]*' "$out" | grep -o '[0-9]*$')"
}

declare -A T
VM=() BOOT=() KERN=() APP=() PY=() PYBOOT=()
for i in $(seq 1 "$N"); do
  # the anchor and our guest on bare QEMU, as boot_time.sh measures them (one run each)
  while read -r v _ _ _ ms _; do T[$v]+="$ms "; done < <(VARIANTS="anchor ours-microvm" \
    "$ROOT/tests/integration/boot_time.sh" 1 | grep -E '^(anchor|ours-microvm) ' | awk '{print $1, $2, $3, $4, $5}')
  read -r ms bus kms ams < <(run_vm local/httpc:latest)
  VM+=("$ms"); BOOT+=("${bus:-}"); KERN+=("${kms:-}"); APP+=("${ams:-}")
  read -r pms pbus _ _ < <(run_vm official/python:3.12 -m 256 -- /usr/bin/python3 -m http.server 8080)
  PY+=("$pms"); PYBOOT+=("${pbus:-}")
  a=${T[anchor]% }; echo "# run $i: anchor ${a##* } ms, vm run $ms ms, python $pms ms" >&2
done
median() { tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
A=$(median <<<"${T[anchor]}"); O=$(median <<<"${T[ours-microvm]}"); V=$(median <<<"${VM[*]}")
B=$(( $(median <<<"${BOOT[*]}") / 1000 )); K=$(median <<<"${KERN[*]}"); P=$(median <<<"${APP[*]}")
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), TCG unless vm run said otherwise ($(grep -o '^accelerator .*' "$W/vm.out"))"
printf '%-28s %6s ms  (runs: %s)\n' "anchor (bare q35, busybox)" "$A" "${T[anchor]% }"
printf '%-28s %6s ms  (runs: %s)\n' "ours on bare qemu (microvm)" "$O" "${T[ours-microvm]% }"
printf '%-28s %6s ms  (runs: %s)\n' "ours via ukc-emu vm run" "$V" "${VM[*]}"
PYM=$(median <<<"${PY[*]}")
printf '%-28s %6s ms  (runs: %s; boot_time_us median %s)\n' "python:3.12 http.server" "$PYM" "${PY[*]}" \
  "$(median <<<"${PYBOOT[*]}")"
awk -v a="$A" -v o="$O" -v v="$V" -v p="$PYM" 'BEGIN { printf "ratios: vm run / anchor = %.2f, vm run / bare = %.2f, python / anchor = %.2f\n", v / a, v / o, p / a }'
echo "where the time goes (vm run, medians): launch → kernel start (vm run + QEMU + qboot + PVH load) ≈ $(( B - P )) ms;" \
  "kernel → /init $K ms; ukc-init → app-start $(( P - K )) ms; app-start → first 200 ≈ $(( V - B )) ms" \
  "(boot_time_us = launch → app-start = $B ms)"
# The issue-16 figures (edit → deploy → served through the proxy, and a create of an image that
# has run before), each against the anchor of its own rounds.
echo "# served (bench/served.sh $N):"
"$ROOT/bench/served.sh" "$N"
