#!/bin/bash
# build-initrd.sh: assemble a guest initrd (newc cpio) for ukc-emu.
#
#   build-initrd.sh --out FILE --init PATH --kmods DIR [--rootfs DIR]
#                   [--modules "virtio_pci virtio_mmio virtio_net button evdev qemu_fw_cfg"]
#                   [--compress none|gzip|lz4|zstd]
#
#   --init     the static ukc-init binary (becomes /init)
#   --kmods    the kernel's modules dir (modules= line of kernel/fetch-kernel.sh)
#   --rootfs   the app root filesystem (directory); optional
#   --modules  module names to load at boot; their dependencies are added and
#              ordered automatically (from each .ko's modinfo "depends=")
#
# The result is two newc archives concatenated (the kernel unpacks them in order):
#   1. the rootfs directory as is (owner forced to root)
#   2. the runtime layer: /init, /dev/console, /ukc/lib/modules/*.ko and
#      /ukc/modules (one absolute path per line, in load order)
# The launch parameters (make-launch-cpio.sh) are appended later by the host.
set -euo pipefail

OUT= INIT= KMODS= ROOTFS= COMPRESS=none
MODULES="virtio_pci virtio_mmio virtio_net button evdev qemu_fw_cfg"
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --init) INIT=$2; shift 2 ;;
    --kmods) KMODS=$2; shift 2 ;;
    --rootfs) ROOTFS=$2; shift 2 ;;
    --modules) MODULES=$2; shift 2 ;;
    --compress) COMPRESS=$2; shift 2 ;;
    *) echo "build-initrd: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$OUT" ] && [ -n "$INIT" ] && [ -n "$KMODS" ] || {
  sed -n '2,20p' "$0" >&2; exit 2; }
[ -x "$INIT" ] || { echo "build-initrd: $INIT is not executable" >&2; exit 1; }
[ -d "$KMODS" ] || { echo "build-initrd: $KMODS is not a directory" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- kernel modules: name -> file, dependencies first ---
declare -A KO=() SEEN=()
while IFS= read -r f; do
  n=$(basename "$f" .ko); n=${n//-/_}
  KO[$n]=$f
done < <(find "$KMODS" -name '*.ko')
ORDER=()
add_module() {
  local n=${1//-/_}
  [ -n "${SEEN[$n]:-}" ] && return 0
  SEEN[$n]=1
  local f=${KO[$n]:-}
  if [ -z "$f" ]; then
    # Built into the kernel (modules.builtin) is fine; anything else is an error.
    if grep -qs "/$n.ko\$" "$KMODS/modules.builtin" ||
       grep -qs "/${1}.ko\$" "$KMODS/modules.builtin"; then return 0; fi
    echo "build-initrd: module $1 not found in $KMODS" >&2; exit 1
  fi
  local deps
  deps=$(tr '\0' '\n' < "$f" | sed -n 's/^depends=//p' | head -n1)
  local d
  for d in ${deps//,/ }; do add_module "$d"; done
  ORDER+=("$n")
}
for m in $MODULES; do add_module "$m"; done

layer=$work/layer
mkdir -p "$layer/ukc/lib/modules" "$layer/dev" "$layer/proc" "$layer/sys" "$layer/tmp" "$layer/run"
install -m 0755 "$INIT" "$layer/init"
: > "$layer/ukc/modules"
for n in "${ORDER[@]}"; do
  install -m 0644 "${KO[$n]}" "$layer/ukc/lib/modules/$n.ko"
  echo "/ukc/lib/modules/$n.ko" >> "$layer/ukc/modules"
done
if [ "$(id -u)" = 0 ]; then
  mknod -m 600 "$layer/dev/console" c 5 1
  mknod -m 666 "$layer/dev/null" c 1 3
fi

# Deterministic: sorted names, owner 0:0, renumbered inodes, no device numbers, mtimes 0 for the
# layer we assemble (the rootfs builders zero theirs), so unchanged inputs give identical bytes.
mkcpio() {
  (cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --renumber-inodes --ignore-devno --quiet)
}
find "$layer" -exec touch -h -d @0 {} +
{
  if [ -n "$ROOTFS" ]; then mkcpio "$ROOTFS"; fi
  mkcpio "$layer"
} > "$work/initrd.cpio"

case $COMPRESS in
  none) cat "$work/initrd.cpio" ;;
  gzip) gzip -6 -n -c "$work/initrd.cpio" ;;
  lz4) lz4 -l -9 -c "$work/initrd.cpio" ;;
  zstd) zstd -q -19 -c "$work/initrd.cpio" ;;
  *) echo "build-initrd: unknown --compress $COMPRESS" >&2; exit 2 ;;
esac > "$OUT.tmp"
# Pad to a multiple of 512 bytes with zeros: the kernel only finds an archive appended after a
# compressed one if it starts 4-byte aligned (zeros between archives are skipped).
sz=$(stat -c %s "$OUT.tmp"); pad=$(( (512 - sz % 512) % 512 ))
[ "$pad" = 0 ] || head -c "$pad" /dev/zero >> "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "build-initrd: $OUT ($(stat -c %s "$OUT") bytes, modules: ${ORDER[*]})" >&2
