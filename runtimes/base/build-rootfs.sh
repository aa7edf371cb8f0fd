#!/bin/bash
# build-rootfs.sh OUT_DIR CACHE_DIR
#
# Rootfs of the "base" runtime: nothing but the usr-merged skeleton and /etc/passwd, /etc/group.
# The image still boots: the initrd adds ukc-init (/init) and the kernel modules; the app brings
# everything else (e.g. a static binary). Prints key=value lines on stdout (contents=...).
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
. "$(dirname "$0")/debs.sh"
rootfs_skeleton "$1"
rootfs_normalize "$1"
echo "contents=ukc-init only (no libc, no shell)"
