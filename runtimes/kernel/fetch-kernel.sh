#!/bin/sh
# fetch-kernel.sh CACHE_DIR [--refresh]
#
# The single place that knows where the guest kernel comes from.
# Today: Debian 12's `linux-image-cloud-amd64` (a metapackage) -> the concrete
# linux-image-<release>-cloud-amd64 package it depends on, downloaded with
# `apt-get download` (never installed) and unpacked with `dpkg-deb -x` into
# CACHE_DIR/<release>/.
#
# Prints, one key=value per line on stdout:
#   version=<kernel release, e.g. 6.1.0-56-cloud-amd64>
#   package=<deb package name>=<deb version>
#   kernel=<absolute path to vmlinuz>   (bzImage, any x86 boot path)
#   vmlinux=<absolute path to vmlinux>  (uncompressed ELF with a PVH note: QEMU boots it
#                                        directly with -kernel, skipping ~1 s of in-guest
#                                        decompression under TCG; preferred)
#   modules=<absolute path to lib/modules/<release>>
#
# Idempotent: once CACHE_DIR/current names a complete unpacked kernel, a rerun
# prints it without touching the network. --refresh re-resolves the metapackage
# (picks up a new Debian kernel) and keeps older unpacked versions.
set -eu

META=${UKC_KERNEL_META:-linux-image-cloud-amd64}

usage() { echo "usage: $0 CACHE_DIR [--refresh]" >&2; exit 2; }
[ $# -ge 1 ] || usage
CACHE=$1; shift
REFRESH=0
for a in "$@"; do
  case $a in --refresh) REFRESH=1 ;; *) usage ;; esac
done

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

emit() {
  rel=$1
  root=$CACHE/$rel
  echo "version=$rel"
  [ -f "$root/.package" ] && echo "package=$(cat "$root/.package")"
  echo "kernel=$root/boot/vmlinuz-$rel"
  [ -f "$root/boot/vmlinux-$rel" ] && echo "vmlinux=$root/boot/vmlinux-$rel"
  echo "modules=$root/lib/modules/$rel"
}

complete() {
  [ -f "$CACHE/$1/.complete" ] && [ -f "$CACHE/$1/boot/vmlinuz-$1" ]
}

# extract_vmlinux BZIMAGE OUT: the payload of a bzImage is one compressed stream; find its magic
# and decompress it (what linux/scripts/extract-vmlinux does). Best effort: no vmlinux= line if
# no stream decompresses to an ELF.
extract_vmlinux() {
  local in=$1 out=$2 magic tool off
  for pair in '\x02\x21\x4c\x18:lz4 -dc' '\x28\xb5\x2f\xfd:zstd -dc' '\xfd\x37\x7a\x58\x5a\x00:xz -dc' \
              '\x1f\x8b\x08:gzip -dc'; do
    magic=${pair%%:*}; tool=${pair#*:}
    command -v "${tool%% *}" >/dev/null || continue
    for off in $(LC_ALL=C grep -obUaP "$magic" "$in" 2>/dev/null | cut -d: -f1 | head -n 3); do
      tail -c +$((off + 1)) "$in" | $tool > "$out.tmp" 2>/dev/null || true
      if [ "$(head -c 4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
        mv "$out.tmp" "$out"; return 0
      fi
    done
  done
  rm -f "$out.tmp"
  echo "fetch-kernel: could not extract vmlinux from $in (bzImage only)" >&2
}

if [ $REFRESH = 0 ] && [ -f "$CACHE/current" ]; then
  rel=$(cat "$CACHE/current")
  if complete "$rel"; then emit "$rel"; exit 0; fi
fi

# Resolve the concrete kernel package behind the metapackage.
pkg=$(apt-cache depends "$META" 2>/dev/null |
      sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
if [ -z "$pkg" ]; then
  echo "fetch-kernel: cannot resolve $META (run 'apt-get update' first?)" >&2
  exit 1
fi
rel=${pkg#linux-image-}

if ! complete "$rel"; then
  tmp=$(mktemp -d "$CACHE/.dl.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  ( cd "$tmp" && apt-get download "$pkg" >&2 )
  deb=$(ls "$tmp"/*.deb | head -n1)
  [ -n "$deb" ] || { echo "fetch-kernel: download of $pkg failed" >&2; exit 1; }
  ver=$(dpkg-deb -f "$deb" Version)
  rm -rf "$CACHE/$rel" "$tmp/x"
  dpkg-deb -x "$deb" "$tmp/x"
  echo "$pkg=$ver" > "$tmp/x/.package"
  extract_vmlinux "$tmp/x/boot/vmlinuz-$rel" "$tmp/x/boot/vmlinux-$rel"
  mv "$deb" "$CACHE/"
  mv "$tmp/x" "$CACHE/$rel"
  touch "$CACHE/$rel/.complete"
fi
echo "$rel" > "$CACHE/current.tmp" && mv "$CACHE/current.tmp" "$CACHE/current"
emit "$rel"
