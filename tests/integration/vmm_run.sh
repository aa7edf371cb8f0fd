#!/bin/bash
# vmm_run.sh: `ukc-emu vm run` against real QEMU (TCG unless KVM really works). Builds a
# kraftkit-format image (Debian cloud vmlinux + ukc-init + http-server initrd) with
# tests/tools/make-unikraft-image.py, pushes it with skopeo to a real `ukc-emu up`, then boots it:
# env/args/ports reach the app, console streams, exit codes propagate, SIGINT stops gracefully,
# SIGKILL of vm run takes QEMU with it, bad input fails clearly and leaves no QEMU behind.
#
# Env: UKC_EMU (binary; default build/bin/ukc-emu), UKC_RUNTIME_CACHE (kernel cache).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/vm_lib.sh"


# ---- guest pieces and images ----
guest_pieces "$W/bin" || die "building the guest pieces failed"
mkdir -p "$W/rootfs/srv" && cp "$W/bin/http-server" "$W/rootfs/"
timeout 120 "$RT/build-initrd.sh" --out "$W/initrd" --init "$W/bin/ukc-init" --kmods "$KMODS" \
  --rootfs "$W/rootfs" 2>/dev/null || die "build-initrd.sh failed"
head -c 300000 /dev/urandom > "$W/junk"
MK=$ROOT/tests/tools/make-unikraft-image.py
INDEX_DIGEST=$(python3 "$MK" "$W/httpc" --kernel "$KERNEL" --initrd "$W/initrd" \
  --cmd /http-server --cmd 8080 --env FROM_IMAGE=yes --workdir /srv) || die "make-unikraft-image"
python3 "$MK" "$W/nokernel" --kernel "$KERNEL" --initrd "$W/initrd" --no-kernel >/dev/null
python3 "$MK" "$W/badinitrd" --kernel "$KERNEL" --initrd "$W/junk" --cmd /http-server >/dev/null

ukc_start_daemon
push() {  # --preserve-digests: keep the uncompressed tar layers and their annotations
  timeout 300 skopeo copy --all --preserve-digests --dest-tls-verify=false --dest-creds "$CREDS" \
    "oci:$W/$1:latest" "docker://$REG/local/$1:latest" >/dev/null 2>"$W/push-$1.err"
}
check "push local/httpc with skopeo" push httpc
check "push local/nokernel" push nokernel
check "push local/badinitrd" push badinitrd
ukc_stop_daemon   # vm run reads the store directly; the daemon need not run

# ---- 1: ports, env, args, console; SIGINT stops gracefully ----
start_vm http local/httpc:latest -p 8080 -e GREETING=hi -- /http-server 8080 word
PORT=$(wait_port 8080) || PORT=
check "vm run prints the forwarded port" test -n "$PORT"
check "vm run prints the accelerator" grep -qE '^accelerator (tcg|kvm)$' "$OUT"
check "curl through the host port answers 200" http_200 "$PORT"
check "body carries -e GREETING" grep -q '^GREETING=hi$' "$W/body"
check "body carries the args after --" grep -q '^ARG2=word$' "$W/body"
check "body carries the image WorkingDir" grep -q '^CWD=/srv$' "$W/body"
check "console streams the app's stdout" grep -q '^listening on :8080' "$OUT"
kill -INT "$VPID"
wait_exit "$VPID" 30
expect_eq "SIGINT: vm run exits 0 (app exited 0 on SIGTERM)" 0 "$RC"
check "SIGINT: the app got SIGTERM" grep -q 'http-server: SIGTERM, exiting' "$OUT"
check "SIGINT: stop reason is stopped" grep -q 'vm: stopped (stopped), exit code 0' "$ERR"
expect_eq "SIGINT: no qemu process left" 0 "$(qemu_count)"

# ---- 2: exit codes; image Cmd and Env used when no args; digest references ----
start_vm exit3 local/httpc:latest -p 8080 -e EXIT_CODE=3 -- /http-server 8080
wait_exit "$VPID" 120
expect_eq "app exiting 3 makes vm run exit 3" 3 "$RC"
start_vm cmd "local/httpc@$INDEX_DIGEST" -e EXIT_CODE=4
wait_exit "$VPID" 120
expect_eq "by digest, image Cmd: exit 4" 4 "$RC"
check "boot time is reported" grep -qE 'boot_time_us [0-9]+' "$ERR"

# ---- 3: SIGKILL of vm run takes QEMU with it (PR_SET_PDEATHSIG) ----
OUT=$W/orphan.out   # no `timeout` wrapper: VPID must be ukc-emu itself
"$UKC_EMU" vm run --data-dir "$UKC_DATA" local/httpc:latest -p 8080 >"$OUT" 2>/dev/null &
VPID=$!
VM_PIDS+=("$VPID")
wait_port 8080 >/dev/null
sleep 0.5
kill -9 "$VPID"; wait "$VPID" 2>/dev/null
for _ in $(seq 1 50); do [ "$(qemu_count)" = 0 ] && break; sleep 0.1; done
expect_eq "SIGKILL of vm run leaves no qemu process" 0 "$(qemu_count)"
rm -rf "$UKC_DATA/vmm/instances/run-$VPID"   # a killed vm run cannot clean its instance dir

# ---- 4: many VMs at once: distinct host ports, instance dirs and sockets; all serve ----
MANY=()
for n in 1 2 3; do
  start_vm "many$n" local/httpc:latest -p 8080 -e GREETING="vm$n" -- /http-server 8080 "word$n"
  MANY+=("$VPID:$OUT")
done
HOSTS=()
for entry in "${MANY[@]}"; do
  VPID=${entry%%:*} OUT=${entry#*:}
  HOSTS+=("$(wait_port 8080 || echo none)")
done
expect_eq "three VMs got three distinct host ports" 3 "$(printf '%s\n' "${HOSTS[@]}" | grep -v none | sort -u | wc -l)"
for n in 1 2 3; do
  check "VM $n answers with its own env through its own port" \
    bash -c "$(declare -f http_200); W='$W'; http_200 '${HOSTS[$((n - 1))]}' && grep -q '^GREETING=vm$n\$' '$W/body'"
done
for entry in "${MANY[@]}"; do kill -INT "${entry%%:*}"; done
for entry in "${MANY[@]}"; do wait_exit "${entry%%:*}" 40; done
expect_eq "all three stopped: no qemu process left" 0 "$(qemu_count)"

# ---- 5: bad input: clear errors, no qemu ----
bad() {  # bad NAME PATTERN [ENV=..] -- vm run args
  local name=$1 pattern=$2; shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  env "${envs[@]+"${envs[@]}"}" timeout 60 "$UKC_EMU" vm run --data-dir "$UKC_DATA" "$@" \
    >"$W/$name.out" 2>"$W/$name.err"
  local rc=$?
  if [ "$rc" != 0 ] && grep -qE "$pattern" "$W/$name.err" && [ "$(qemu_count)" = 0 ]; then
    ok_bad=1; else ok_bad=0; echo "  rc=$rc: $(cat "$W/$name.err")"; fi
  [ "$ok_bad" = 1 ]
}
check "image without kernel layer" bad nokernel 'has no kernel layer' -- local/nokernel:latest
check "corrupt initrd" bad badinitrd 'initrd.*(bad magic|neither)' -- local/badinitrd:latest
check "-m 8 below the minimum" bad mem8 'below the minimum of [0-9]+ MB' -- local/httpc:latest -m 8
check "missing qemu binary (UKC_QEMU)" bad noqemu 'cannot run /nonexistent' UKC_QEMU=/nonexistent -- local/httpc:latest
check "unknown image" bad unknown 'image local/nope:latest not found' -- local/nope:latest
check "bad reference" bad badref 'bad repository name' -- 'Bad/Image:x'
check "no instance directories left behind" bash -c "[ -z \"\$(ls -A '$UKC_DATA/vmm/instances' 2>/dev/null)\" ]"

ukc_finish
