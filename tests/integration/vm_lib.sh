# Helpers for tests that boot images with `ukc-emu vm run` (sourced after setting ROOT).
# Brings tests/e2e/lib.sh (daemon, check/expect_eq, TEST_TMP cleanup), a work dir $W, and
# cleanup of every vm run started with start_vm.
source "$ROOT/tests/e2e/lib.sh"   # daemon helpers, check/expect_eq, TEST_TMP cleanup
source "$ROOT/tests/integration/guest.sh"  # guest_pieces, RT, CACHE
W=$TEST_TMP/work
mkdir -p "$W"
VM_PIDS=()
vm_cleanup() {
  for p in "${VM_PIDS[@]+"${VM_PIDS[@]}"}"; do kill -9 "$p" 2>/dev/null; done
  ukc_cleanup
}
trap vm_cleanup EXIT
die() { echo "FAIL - $*"; exit 1; }

qemu_count() { pgrep -f "qemu-system-x86_64.*$UKC_DATA" | wc -l; }
# start_vm NAME ARGS...: `vm run` in the background; sets VPID, OUT (stdout), ERR.
start_vm() {
  local name=$1; shift
  OUT=$W/$name.out ERR=$W/$name.err
  timeout 180 "$UKC_EMU" vm run --data-dir "$UKC_DATA" "$@" >"$OUT" 2>"$ERR" &
  VPID=$!
  VM_PIDS+=("$VPID")
}
wait_port() {  # prints the host port once vm run printed it
  for _ in $(seq 1 600); do
    local p; p=$(sed -n "s/^port $1 -> 127.0.0.1://p" "$OUT" 2>/dev/null)
    [ -n "$p" ] && { echo "$p"; return 0; }
    kill -0 "$VPID" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
http_200() {
  for _ in $(seq 1 400); do
    [ "$(curl -s -m 0.5 -o "$W/body" -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null)" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}
wait_exit() {  # wait_exit PID TIMEOUT_S → sets RC
  local deadline=$(( $(date +%s) + $2 ))
  while kill -0 "$1" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
  if kill -0 "$1" 2>/dev/null; then RC=timeout; else wait "$1"; RC=$?; fi
}

