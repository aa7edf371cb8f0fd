#!/bin/bash
# make-launch-cpio.sh: write the launch-parameter cpio that the host appends to a guest initrd.
#
#   make-launch-cpio.sh OUT [--cwd DIR] [--env KEY=VALUE]... [--net "ip=A/N gw=G dns=D"]
#                       [--stop-timeout-ms N] [--] ARG0 [ARG...]
#
# Produces a newc cpio (uncompressed) holding
#   /ukc/argv  argv, each element followed by a NUL
#   /ukc/env   KEY=VALUE entries, each followed by a NUL   (only if --env given)
#   /ukc/cwd   the working directory and a newline         (only if --cwd given)
#   /ukc/net, /ukc/stop_timeout_ms                          (only if given)
# Usage: cat initrd launch.cpio > initrd-for-this-instance   (or pass both to QEMU
# through a concatenated file; the kernel unpacks concatenated archives in order and
# a later file replaces an earlier one of the same path).
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
OUT=$1; shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ukc"
ENVS=()
while [ $# -gt 0 ]; do
  case $1 in
    --cwd) printf '%s\n' "$2" > "$work/ukc/cwd"; shift 2 ;;
    --env) ENVS+=("$2"); shift 2 ;;
    --net) printf '%s\n' "$2" > "$work/ukc/net"; shift 2 ;;
    --stop-timeout-ms) printf '%s\n' "$2" > "$work/ukc/stop_timeout_ms"; shift 2 ;;
    --) shift; break ;;
    -*) echo "make-launch-cpio: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -gt 0 ]; then printf '%s\0' "$@" > "$work/ukc/argv"; fi
if [ ${#ENVS[@]} -gt 0 ]; then printf '%s\0' "${ENVS[@]}" > "$work/ukc/env"; fi
(cd "$work" && find ukc | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
