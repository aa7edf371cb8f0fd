#!/bin/bash
# build-rootfs.sh OUT_DIR CACHE_DIR
#
# Prototype root filesystem for the "python3.12" runtime. Honest version note: Debian 12 ships
# CPython 3.11 (no 3.12 package exists there), so this rootfs holds Debian's python3.11 under
# /usr/bin/python3.11 with /usr/bin/python3 and /usr/bin/python pointing at it.
#
# Everything comes from .debs fetched with `apt-get download` into CACHE_DIR/debs and unpacked with
# `dpkg-deb -x` into CACHE_DIR/x/<package>; nothing is taken from the host's installed system.
# The tree is usr-merged (/bin, /lib, /lib64, /sbin are symlinks into /usr), trimmed (no tests,
# idlelib, tkinter, turtledemo, ensurepip, lib2to3, docs, man pages) and the stdlib is precompiled
# to __pycache__/*.pyc with --invalidation-mode unchecked-hash (valid whatever the file mtimes
# are after the initrd unpacks, and saves compiling on every boot).
# Prints key=value lines on stdout: contents=CPython <version>.
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
OUT=$1 CACHE=$2
PYVER=3.11
PKGS=(python$PYVER-minimal libpython$PYVER-minimal libpython$PYVER-stdlib python$PYVER
      libc6 libssl3 libexpat1 zlib1g libbz2-1.0 libcrypt1 libdb5.3 libffi8 liblzma5
      libncursesw6 libtinfo6 libreadline8 libsqlite3-0 libuuid1 libgcc-s1 media-types
      netbase ca-certificates)

mkdir -p "$CACHE/debs" "$CACHE/x"
CACHE=$(cd "$CACHE" && pwd)
missing=()
for p in "${PKGS[@]}"; do
  ls "$CACHE/debs/${p}_"*.deb >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  (cd "$CACHE/debs" && apt-get download "${missing[@]}" >&2) || {
    echo "build-rootfs: apt-get download failed (run 'apt-get update' first?)" >&2; exit 1; }
fi
for p in "${PKGS[@]}"; do
  deb=$(ls "$CACHE/debs/${p}_"*.deb | sort -V | tail -n1)
  x=$CACHE/x/$(basename "$deb" .deb)
  [ -d "$x" ] || { dpkg-deb -x "$deb" "$x.tmp" && mv "$x.tmp" "$x"; }
done

rm -rf "$OUT"
mkdir -p "$OUT/usr/bin" "$OUT/usr/lib" "$OUT/usr/lib64" "$OUT/usr/sbin" "$OUT/etc" "$OUT/tmp" "$OUT/root"
for d in bin lib lib64 sbin; do ln -s usr/$d "$OUT/$d"; done
for p in "${PKGS[@]}"; do
  deb=$(ls "$CACHE/debs/${p}_"*.deb | sort -V | tail -n1)
  x=$CACHE/x/$(basename "$deb" .deb)
  # Copy with the usr-merge mapping: /bin, /lib, /lib64, /sbin from old-style debs land in /usr.
  for top in "$x"/*; do
    name=$(basename "$top")
    case $name in
      bin|lib|lib64|sbin) cp -a "$top/." "$OUT/usr/$name/" ;;
      *) cp -a "$top" "$OUT/" 2>/dev/null || cp -a "$top/." "$OUT/$name/" ;;
    esac
  done
done

# Trim.
L=$OUT/usr/lib/python$PYVER
rm -rf "$OUT/usr/share/doc" "$OUT/usr/share/man" "$OUT/usr/share/lintian" "$OUT/usr/share/info" \
       "$OUT/usr/share/locale" "$OUT/usr/share/bug" "$OUT/usr/share/pixmaps" "$OUT/usr/share/applications" \
       "$OUT/usr/share/binfmts" "$OUT/usr/share/gdb" "$OUT/usr/lib/x86_64-linux-gnu/gconv" \
       "$OUT/usr/sbin" "$OUT/usr/lib/x86_64-linux-gnu/audit" "$OUT/usr/share/readline"
mkdir -p "$OUT/usr/sbin"
rm -rf "$L/test" "$L/idlelib" "$L/tkinter" "$L/turtledemo" "$L/ensurepip" "$L/lib2to3" \
       "$L/pydoc_data" "$L/config-$PYVER-x86_64-linux-gnu" "$L/turtle.py"
rm -f "$L"/lib-dynload/_test*.so "$L"/lib-dynload/_ctypes_test*.so "$L"/lib-dynload/_xxtestfuzz*.so \
      "$L"/lib-dynload/xxlimited*.so "$L"/lib-dynload/_xxsubinterpreters*.so
find "$L" -depth \( -name tests -o -name test -o -name __pycache__ \) -type d -exec rm -rf {} +
find "$OUT/usr/bin" -mindepth 1 ! -name "python$PYVER" -delete
ln -sf "python$PYVER" "$OUT/usr/bin/python3"
ln -sf "python$PYVER" "$OUT/usr/bin/python"
# ca-certificates ships only the individual certs; build the bundle apps expect.
if [ -d "$OUT/usr/share/ca-certificates" ]; then
  mkdir -p "$OUT/etc/ssl/certs"
  find "$OUT/usr/share/ca-certificates" -name '*.crt' -exec cat {} + > "$OUT/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$OUT/usr/share/ca-certificates"
fi
echo "root:x:0:0:root:/root:/bin/sh" > "$OUT/etc/passwd"
echo "root:x:0:" > "$OUT/etc/group"

# Precompile the stdlib with the rootfs' own interpreter (run on the host through the rootfs'
# dynamic loader, so no host library is involved).
"$OUT/usr/lib64/ld-linux-x86-64.so.2" --library-path "$OUT/usr/lib/x86_64-linux-gnu" \
  "$OUT/usr/bin/python$PYVER" -I -c "import sys; sys.path[:] = ['$L', '$L/lib-dynload']
import compileall, re
ok = compileall.compile_dir('$L', quiet=1, stripdir='$OUT', prependdir='/',
    invalidation_mode=__import__('py_compile').PycInvalidationMode.UNCHECKED_HASH,
    rx=re.compile(r'/(site-packages|dist-packages)/'), workers=0)
sys.exit(0 if ok else 1)" >&2 || echo "build-rootfs: warning: some files did not compile" >&2

# mtimes 0: the cpio then only changes when the content does (the .pyc files are hash-based).
find "$OUT" -exec touch -h -d @0 {} +
version=$("$OUT/usr/lib64/ld-linux-x86-64.so.2" --library-path "$OUT/usr/lib/x86_64-linux-gnu" \
          "$OUT/usr/bin/python$PYVER" -I -c 'import sys; print(sys.version.split()[0])' 2>/dev/null) ||
  version=$PYVER
echo "build-rootfs: $OUT ($(du -sh "$OUT" | cut -f1), python $version)" >&2
# For ukc-emu's recipe runner (key=value on stdout): the honest interpreter version.
echo "contents=CPython $version"
