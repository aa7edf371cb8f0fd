#!/bin/bash
# build-rootfs.sh OUT_DIR CACHE_DIR
#
# Rootfs of the "node" runtime: Debian 12's Node.js (18.x; `nodejs` + `libnode108` and their
# shared libraries and bundled JS modules), fetched with `apt-get download`, unpacked with
# `dpkg-deb -x`, usr-merged, docs trimmed. /usr/bin/node is the interpreter.
# Prints key=value lines on stdout: tag=<node major> and contents=Node.js <version>.
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
. "$(dirname "$0")/../base/debs.sh"
OUT=$1 CACHE=$2
mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)
# The host may know a newer nodejs from another repository: pin Debian's version.
VER=$(debian_version nodejs)
[ -n "$VER" ] || { echo "build-rootfs: no nodejs in Debian's repositories" >&2; exit 1; }
PKGS=("nodejs=$VER" "libnode108=$VER" libc6 libgcc-s1 libstdc++6 libbrotli1 libc-ares2 libicu72
      libnghttp2-14 libssl3 libuv1 zlib1g node-acorn node-xtend node-cjs-module-lexer node-undici
      node-busboy ca-certificates netbase)
debs_fetch "$CACHE" "${PKGS[@]}"
rootfs_skeleton "$OUT"
debs_install "$CACHE" "$OUT" "${PKGS[@]}"
rootfs_trim_docs "$OUT"
rm -rf "$OUT/usr/share/nodejs/"*/README* "$OUT/usr/include" "$OUT/usr/share/systemtap" \
       "$OUT/usr/sbin/"* "$OUT/usr/share/gcc" "$OUT/usr/lib/x86_64-linux-gnu/debug"
find "$OUT/usr/bin" -mindepth 1 ! -name node ! -name nodejs -delete
rootfs_ca_bundle "$OUT"
rootfs_normalize "$OUT"
version=$("$OUT/usr/lib64/ld-linux-x86-64.so.2" --library-path "$OUT/usr/lib/x86_64-linux-gnu" \
          "$OUT/usr/bin/node" --version 2>/dev/null) || version=v${VER%%+*}
version=${version#v}
echo "build-rootfs: $OUT ($(du -sh "$OUT" | cut -f1), Node.js $version)" >&2
echo "tag=${version%%.*}"
echo "contents=Node.js $version"
