#!/bin/bash
# boot_smoke.sh: boots real guests (Debian cloud kernel + ukc-init + runtimes/testapps/http-server)
# under qemu-system-x86_64 and checks the guest contract end to end:
#   env/argv/cwd reach the app, HTTP via hostfwd, console lines, graceful stop through QMP
#   system_powerdown, exit-code reporting, missing-argv handling.
#
# Env: UKC_RUNTIME_CACHE (kernel cache; default ~/.cache/ukc-emu/runtimes),
#      UKC_MACHINE (microvm|q35, default: qemu-cmdline.sh's), UKC_ACCEL (tcg|kvm|auto, default auto),
#      KEEP_WORK=1 keeps the work dir (console logs) for inspection.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"
source "$HERE/guest.sh"
WORK=$(mktemp -d /tmp/ukc-boot-smoke.XXXXXX)
QEMU_PIDS=()
cleanup() {
  for p in "${QEMU_PIDS[@]+"${QEMU_PIDS[@]}"}"; do kill -9 "$p" 2>/dev/null; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "# work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "FAIL - $*"; echo "0 passed, 1 failed"; exit 1; }

# ---- build the pieces (each step bounded) ----
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed"
guest_pieces "$WORK/bin" || die "building the guest pieces failed"
mkdir -p "$WORK/rootfs/usr/bin" "$WORK/rootfs/srv"
cp "$WORK/bin/http-server" "$WORK/rootfs/usr/bin/"
timeout 120 "$RT/build-initrd.sh" --out "$WORK/initrd" --init "$WORK/bin/ukc-init" --kmods "$KMODS" \
  --rootfs "$WORK/rootfs" 2>/dev/null || die "build-initrd.sh failed"

# ---- accelerator: KVM only if a guest really boots with it ----
ACCEL=${UKC_ACCEL:-auto}
if [ "$ACCEL" = auto ]; then
  ACCEL=tcg
  if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    "$RT/make-launch-cpio.sh" "$WORK/probe.cpio" --    # no argv: init reports and powers off
    cat "$WORK/initrd" "$WORK/probe.cpio" > "$WORK/probe.initrd"
    mapfile -t A < <("$RT/qemu-cmdline.sh" --kernel "$KERNEL" --initrd "$WORK/probe.initrd" \
      --accel kvm --serial "$WORK/probe.log" ${UKC_MACHINE:+--machine "$UKC_MACHINE"})
    # (through sh: a QEMU that aborts on a broken KVM must not print bash's job message)
    if sh -c 'timeout 15 "$@" >/dev/null 2>&1; r=$?; exit $r' probe qemu-system-x86_64 "${A[@]}" &&
       grep -q '"event":"app-exit","code":127' "$WORK/probe.log"; then ACCEL=kvm; fi
  fi
fi
echo "# accel=$ACCEL machine=${UKC_MACHINE:-default} kernel=$KERNEL"

# start_guest NAME [make-launch-cpio args...]: boots a guest; sets PORT, QPID, LOG, QMP.
start_guest() {
  local name=$1; shift
  "$RT/make-launch-cpio.sh" "$WORK/$name.launch" "$@" || return 1
  cat "$WORK/initrd" "$WORK/$name.launch" > "$WORK/$name.initrd"
  PORT=$(free_port)
  LOG=$WORK/$name.console.log
  QMP=$WORK/$name.qmp
  mapfile -t A < <("$RT/qemu-cmdline.sh" --kernel "$KERNEL" --initrd "$WORK/$name.initrd" --accel "$ACCEL" \
    --port "$PORT:8080" --serial "$LOG" --qmp "$QMP" ${UKC_MACHINE:+--machine "$UKC_MACHINE"})
  T0=$(now_ms)
  timeout 180 qemu-system-x86_64 "${A[@]}" >"$WORK/$name.qemu.out" 2>&1 &
  QPID=$!
  QEMU_PIDS+=("$QPID")
}

# ---- 1: env, argv and cwd reach the app; HTTP through hostfwd ----
start_guest http --env GREETING=hello-ukc --env PORT=8080 --cwd /srv -- http-server 8080 second-arg
if wait_http "http://127.0.0.1:$PORT/" 90 "$WORK/body"; then
  ok "http-server answers 200 via hostfwd ($(( $(now_ms) - T0 )) ms from launch)"
else
  fail "http-server answers 200 via hostfwd"; sed 's/^/#   /' "$LOG" | tail -20
fi
check "body carries GREETING from /ukc/env" grep -q '^GREETING=hello-ukc$' "$WORK/body"
check "body carries argv[2] from /ukc/argv" grep -q '^ARG2=second-arg$' "$WORK/body"
check "body carries cwd from /ukc/cwd" grep -q '^CWD=/srv$' "$WORK/body"
check "console has the boot line" grep -qE '^ukc-init: \{"event":"boot","uptime_ms":[0-9]+\}' "$LOG"
check "console has the app-start line" grep -qE '^ukc-init: \{"event":"app-start","pid":[0-9]+,"uptime_ms":[0-9]+,"watching":\[[0-9,]*\]\}' "$LOG"
check "console has the app's stdout" grep -q '^listening on :8080' "$LOG"
check "console has no error line" bash -c "! grep -q '\"event\":\"error\"' '$LOG'"

# ---- 2: graceful stop through QMP system_powerdown ----
qmp "$QMP" '{"execute":"system_powerdown"}' >/dev/null 2>&1
if wait_pid_exit "$QPID" 30; then ok "system_powerdown stops the guest and qemu exits"
else fail "system_powerdown stops the guest and qemu exits"; kill -9 "$QPID" 2>/dev/null; fi
check "app got SIGTERM (its own shutdown message)" grep -q 'http-server: SIGTERM, exiting' "$LOG"
check "console has stop + app-exit code 0" grep -qE '^ukc-init: \{"event":"app-exit","code":0,"signal":0,"uptime_ms":[0-9]+\}' "$LOG"
check "no qemu process left" bash -c "! kill -0 $QPID 2>/dev/null"

# ---- 3: exit code reporting; qemu exits by itself ----
start_guest exit3 --env EXIT_CODE=3 -- /usr/bin/http-server 8080
if wait_pid_exit "$QPID" 90; then ok "app exiting with 3 powers the VM off by itself"
else fail "app exiting with 3 powers the VM off by itself"; kill -9 "$QPID" 2>/dev/null; fi
check 'console has "code":3' grep -qE '^ukc-init: \{"event":"app-exit","code":3,"signal":0,"uptime_ms":[0-9]+\}' "$LOG"

# ---- 4: no argv: clear error, code 127, poweroff ----
start_guest noargv --
if wait_pid_exit "$QPID" 90; then ok "missing argv powers the VM off"
else fail "missing argv powers the VM off"; kill -9 "$QPID" 2>/dev/null; fi
check "missing argv: error line" grep -qE '^ukc-init: \{"event":"error","message":"no command: [^"]*"\}' "$LOG"
check 'missing argv: "code":127' grep -q '"event":"app-exit","code":127' "$LOG"

# ---- 5: exec failure: 127 ----
start_guest badexec -- /no/such/binary
wait_pid_exit "$QPID" 90 || kill -9 "$QPID" 2>/dev/null
check 'exec failure reports "code":127 and an error line' \
  bash -c "grep -q '\"event\":\"app-exit\",\"code\":127' '$LOG' && grep -q 'exec /no/such/binary' '$LOG'"

# ---- 6: gzip'd main archive + uncompressed launch cpio appended ----
timeout 120 "$RT/build-initrd.sh" --out "$WORK/initrd" --compress gzip --init "$WORK/bin/ukc-init" \
  --kmods "$KMODS" --rootfs "$WORK/rootfs" 2>/dev/null || fail "build-initrd.sh --compress gzip"
start_guest gzip --env EXIT_CODE=5 -- http-server 8080
wait_pid_exit "$QPID" 90 || kill -9 "$QPID" 2>/dev/null
check 'gzip initrd + appended launch cpio: launch params seen ("code":5)' \
  grep -q '"event":"app-exit","code":5' "$LOG"

summary
