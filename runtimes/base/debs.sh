# debs.sh: shared helpers for the runtime recipes' build-rootfs.sh (source it; bash).
#
#   debs_fetch CACHE PKG...     apt-get download each PKG (NAME or NAME=VERSION) missing from
#                               CACHE/debs, unpack each with dpkg-deb -x into CACHE/x/<deb name>
#   debs_dir CACHE PKG          prints the unpacked dir of PKG (newest .deb of that name)
#   debs_install CACHE OUT PKG...  copies the unpacked packages into OUT, usr-merged
#   rootfs_skeleton OUT         usr-merged skeleton (/bin, /lib, /lib64, /sbin -> usr/...), /etc
#                               passwd+group with root, /tmp, /root
#   rootfs_normalize OUT        mtimes 0 (so the cpio only changes when the content does)
#   debian_version PKG          the highest version of PKG in Debian's repositories (ignores a
#                               version that only the host's dpkg status knows)
# Nothing is ever taken from the host's installed files.

debian_version() { apt-cache madison "$1" | awk -F'|' 'NR==1 {gsub(/ /, "", $2); print $2}'; }

_deb_of() { ls "$1/debs/${2%%=*}_"*.deb 2>/dev/null | sort -V | tail -n1; }

debs_fetch() {
  local cache=$1; shift
  mkdir -p "$cache/debs" "$cache/x"
  local missing=() p want deb
  for p in "$@"; do
    if [[ $p == *=* ]]; then
      want=${p#*=}; want=${want//:/%3a}
      ls "$cache/debs/${p%%=*}_${want}_"*.deb >/dev/null 2>&1 || missing+=("$p")
    else
      [ -n "$(_deb_of "$cache" "$p")" ] || missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    (cd "$cache/debs" && apt-get download "${missing[@]}" >&2) || {
      echo "build-rootfs: apt-get download ${missing[*]} failed (run 'apt-get update' first?)" >&2
      return 1; }
  fi
  for p in "$@"; do
    deb=$(_deb_of "$cache" "$p")
    local x=$cache/x/$(basename "$deb" .deb)
    [ -d "$x" ] || { rm -rf "$x.tmp" && dpkg-deb -x "$deb" "$x.tmp" && mv "$x.tmp" "$x"; }
  done
}

debs_dir() { local deb; deb=$(_deb_of "$1" "$2"); echo "$1/x/$(basename "$deb" .deb)"; }

debs_install() {
  local cache=$1 out=$2; shift 2
  local p x top name
  for p in "$@"; do
    x=$(debs_dir "$cache" "${p%%=*}")
    for top in "$x"/*; do
      name=$(basename "$top")
      case $name in
        bin|lib|lib64|sbin) mkdir -p "$out/usr/$name" && cp -a "$top/." "$out/usr/$name/" ;;
        *) mkdir -p "$out/$name" && cp -a "$top/." "$out/$name/" ;;
      esac
    done
  done
}

rootfs_skeleton() {
  local out=$1 d
  rm -rf "$out"
  mkdir -p "$out/usr/bin" "$out/usr/lib" "$out/usr/lib64" "$out/usr/sbin" "$out/etc" "$out/tmp" \
           "$out/root"
  for d in bin lib lib64 sbin; do ln -s usr/$d "$out/$d"; done
  echo "root:x:0:0:root:/root:/bin/sh" > "$out/etc/passwd"
  echo "root:x:0:" > "$out/etc/group"
}

rootfs_trim_docs() {
  rm -rf "$1/usr/share/doc" "$1/usr/share/man" "$1/usr/share/lintian" "$1/usr/share/info" \
         "$1/usr/share/locale" "$1/usr/share/bug" "$1/usr/lib/x86_64-linux-gnu/gconv" \
         "$1/usr/lib/x86_64-linux-gnu/audit"
}

rootfs_ca_bundle() {
  if [ -d "$1/usr/share/ca-certificates" ]; then
    mkdir -p "$1/etc/ssl/certs"
    find "$1/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat \
      > "$1/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$1/usr/share/ca-certificates"
  fi
}

rootfs_normalize() { find "$1" -exec touch -h -d @0 {} +; }
