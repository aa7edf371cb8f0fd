#!/bin/bash
# boot_time.sh [N]: launch -> first HTTP 200 through hostfwd, median of N (default 5) runs, for
#   anchor  Debian cloud kernel (bzImage) + busybox initrd (shell /init: insmod, ifconfig, httpd)
#           on bare `qemu-system-x86_64 -M q35` (the ARCHITECTURE.md anchor, 4.4 s)
#   ours-*  ukc-init + http-server through runtimes/qemu-cmdline.sh (PVH vmlinux), q35 and microvm
# Runs are interleaved so that host load hits every variant alike. Prints one line per variant
# plus the in-guest figures (kernel uptime at init start and at app start) from the console.
# Not a test (no pass/fail): a benchmark. Env: UKC_RUNTIME_CACHE, VARIANTS="anchor ours-q35 ...".
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"
N=${1:-5}
source "$HERE/guest.sh"
WORK=$(mktemp -d /tmp/ukc-boot-time.XXXXXX)
QPID=
trap '[ -n "$QPID" ] && kill -9 $QPID 2>/dev/null; rm -rf "$WORK"' EXIT

guest_pieces "$WORK/bin" || exit 1
BZ=$BZIMAGE VMLINUX=$KERNEL

# ours
mkdir -p "$WORK/rootfs/usr/bin" && cp "$WORK/bin/http-server" "$WORK/rootfs/usr/bin/"
"$RT/build-initrd.sh" --out "$WORK/ours.cpio" --init "$WORK/bin/ukc-init" --kmods "$KMODS" --rootfs "$WORK/rootfs" 2>/dev/null
"$RT/make-launch-cpio.sh" "$WORK/launch" --env GREETING=bench -- http-server 8080
cat "$WORK/ours.cpio" "$WORK/launch" > "$WORK/ours.initrd"

# anchor: busybox + shell init, gzip'd like a classic initramfs
A=$WORK/anchor; mkdir -p "$A/bin" "$A/www" "$A/lib/modules" "$A/dev" "$A/proc" "$A/sys"
cp "$(command -v busybox)" "$A/bin/busybox"
for l in sh mount insmod ifconfig route httpd; do ln -s busybox "$A/bin/$l"; done
echo "hello anchor" > "$A/www/index.html"
for m in $(sed 's|.*/||; s|\.ko$||' <(grep -v -e button -e evdev -e virtio_mmio -e qemu_fw_cfg <(cd "$WORK" && \
    "$RT/build-initrd.sh" --out "$WORK/x" --init "$WORK/bin/ukc-init" --kmods "$KMODS" 2>&1 | \
    sed -n 's/.*modules: //p' | tr ' ' '\n' | sed 's|$|.ko|'))); do
  cp "$(find "$KMODS" -name "$m.ko" -o -name "${m//_/-}.ko" | head -n1)" "$A/lib/modules/"
  echo "insmod /lib/modules/$(basename "$(find "$KMODS" -name "$m.ko" -o -name "${m//_/-}.ko" | head -n1)")" >> "$A/mods"
done
{ echo '#!/bin/sh'; echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev'
  cat "$A/mods"; echo 'ifconfig lo up; ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up; route add default gw 10.0.2.2'
  echo 'exec httpd -f -p 8080 -h /www'; } > "$A/init"
chmod +x "$A/init"; rm "$A/mods"
(cd "$A" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -9) > "$WORK/anchor.initrd"

run() { # run VARIANT -> prints ms (or FAIL) and sets BOOT UP
  local v=$1 port; port=$(free_port); local log=$WORK/$v.log; rm -f "$log"
  local args=()
  case $v in
    anchor) args=(-M q35 -m 256 -display none -no-reboot -kernel "$BZ" -initrd "$WORK/anchor.initrd"
                  -append "console=ttyS0" -serial "file:$log"
                  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8080" -device virtio-net-pci,netdev=n0) ;;
    ours-q35|ours-microvm)
      mapfile -t args < <("$RT/qemu-cmdline.sh" --kernel "$VMLINUX" --initrd "$WORK/ours.initrd" \
        --machine "${v#ours-}" --port "$port:8080" --serial "$log") ;;
    ours-microvm-x)  # experiment: extra kernel cmdline from $EXTRA_APPEND, extra qemu args from $EXTRA_QEMU
      mapfile -t args < <("$RT/qemu-cmdline.sh" --kernel "$VMLINUX" --initrd "$WORK/ours.initrd" \
        --machine microvm --port "$port:8080" --serial "$log" --append "${EXTRA_APPEND:-}")
      args+=(${EXTRA_QEMU:-}) ;;
    ours-q35-bzimage)
      mapfile -t args < <("$RT/qemu-cmdline.sh" --kernel "$BZ" --initrd "$WORK/ours.initrd" \
        --machine q35 --port "$port:8080" --serial "$log") ;;
  esac
  local t0; t0=$(now_ms)
  qemu-system-x86_64 "${args[@]}" >/dev/null 2>&1 & QPID=$!
  local r=FAIL
  WAIT_HTTP_MAX_TIME=0.3 wait_http "http://127.0.0.1:$port/" 60 "$WORK/body" && r=$(( $(now_ms) - t0 ))
  kill -9 $QPID 2>/dev/null; wait $QPID 2>/dev/null; QPID=
  BOOT=$(grep -o '"boot","uptime_ms":[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$')
  UP=$(grep -o '"app-start","pid":[0-9]*,"uptime_ms":[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$')
  echo "$r"
}
VARIANTS=${VARIANTS:-anchor ours-q35 ours-microvm}
declare -A T B U
for i in $(seq 1 "$N"); do
  for v in $VARIANTS; do
    ms=$(run "$v"); T[$v]+="$ms "
    log=$WORK/$v.log
    B[$v]+="$(grep -o '"boot","uptime_ms":[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$') "
    U[$v]+="$(grep -o '"app-start","pid":[0-9]*,"uptime_ms":[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$') "
  done
done
median() { tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), qemu $(qemu-system-x86_64 --version | head -n1 | awk '{print $4}'), TCG"
for v in $VARIANTS; do
  printf '%-18s launch->HTTP 200 median %6s ms  (runs: %s)  kernel->init %s ms  ->app-start %s ms\n' \
    "$v" "$(median <<<"${T[$v]}")" "${T[$v]% }" "$(median <<<"${B[$v]}")" "$(median <<<"${U[$v]}")"
done
