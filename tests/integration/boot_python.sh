#!/bin/bash
# boot_python.sh: boots the python3.12-runtime prototype (Debian's CPython 3.11, see
# runtimes/python3.12/build-rootfs.sh) with `python3 -m http.server 8080` and curls it.
# Env: UKC_RUNTIME_CACHE, UKC_MACHINE, UKC_ACCEL (tcg|kvm, default tcg), KEEP_WORK=1.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"
source "$HERE/guest.sh"
WORK=$(mktemp -d /tmp/ukc-boot-python.XXXXXX)
QPID=
cleanup() {
  [ -n "$QPID" ] && kill -9 "$QPID" 2>/dev/null
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "# work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "FAIL - $*"; echo "0 passed, 1 failed"; exit 1; }

guest_pieces "$WORK/bin" || die "building the guest pieces failed"
timeout 600 "$RT/python3.12/build-rootfs.sh" "$WORK/rootfs" "$CACHE/python" 2>"$WORK/rootfs.log" ||
  { cat "$WORK/rootfs.log"; die "python3.12/build-rootfs.sh failed"; }
mkdir -p "$WORK/rootfs/srv" && echo "hello from python in ukc" > "$WORK/rootfs/srv/index.html"
timeout 300 "$RT/build-initrd.sh" --out "$WORK/initrd" --init "$WORK/bin/ukc-init" --kmods "$KMODS" \
  --rootfs "$WORK/rootfs" 2>/dev/null || die "build-initrd.sh failed"
"$RT/make-launch-cpio.sh" "$WORK/launch" --cwd /srv --env PYTHONUNBUFFERED=1 -- python3 -m http.server 8080
cat "$WORK/initrd" "$WORK/launch" > "$WORK/initrd.full"
echo "# rootfs $(du -sh "$WORK/rootfs" | cut -f1), initrd $(( $(stat -c %s "$WORK/initrd.full") / 1024 / 1024 )) MiB uncompressed"

PORT=$(free_port)
LOG=$WORK/console.log
mapfile -t A < <("$RT/qemu-cmdline.sh" --kernel "$KERNEL" --initrd "$WORK/initrd.full" --accel "${UKC_ACCEL:-tcg}" \
  --memory 512 --port "$PORT:8080" --serial "$LOG" --qmp "$WORK/qmp" ${UKC_MACHINE:+--machine "$UKC_MACHINE"})
T0=$(now_ms)
timeout 300 qemu-system-x86_64 "${A[@]}" >"$WORK/qemu.out" 2>&1 &
QPID=$!
if WAIT_HTTP_MAX_TIME=2 wait_http "http://127.0.0.1:$PORT/index.html" 120 "$WORK/body"; then
  ok "python3 -m http.server answers 200 ($(( $(now_ms) - T0 )) ms from launch)"
else
  fail "python3 -m http.server answers 200"; tail -20 "$LOG" | sed 's/^/#   /'
fi
check "body is the served file" grep -q 'hello from python in ukc' "$WORK/body"
check "console has app-start" grep -q '"event":"app-start"' "$LOG"
check "console has the server's access log (stderr)" grep -q '"GET /index.html HTTP/1.1" 200' "$LOG"
qmp "$WORK/qmp" '{"execute":"system_powerdown"}' >/dev/null 2>&1
if wait_pid_exit "$QPID" 30; then ok "system_powerdown stops the python guest"
else fail "system_powerdown stops the python guest"; fi
grep -E '^ukc-init: ' "$LOG" | sed 's/^/# /'
summary
