#!/bin/bash
# build-rootfs.sh OUT_DIR CACHE_DIR
#
# Rootfs of the "nginx" runtime: Debian 12's nginx (the `nginx` package: the core binary, no
# dynamic modules) + nginx-common's mime.types, fetched with `apt-get download`, unpacked with
# `dpkg-deb -x`, usr-merged, docs trimmed. Config: /etc/nginx/nginx.conf (this folder's
# nginx.conf: port 8080, root /wwwroot, logs to stdout/stderr, daemon off, master_process off).
# /usr/bin/nginx links to /usr/sbin/nginx (UKC's nginx runs `/usr/bin/nginx -c ...`).
# Prints key=value lines on stdout: tag=<major.minor> and contents=nginx <version>.
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../base/debs.sh"
OUT=$1 CACHE=$2
mkdir -p "$CACHE" && CACHE=$(cd "$CACHE" && pwd)
PKGS=(nginx nginx-common libc6 libcrypt1 libpcre2-8-0 libssl3 zlib1g netbase)
debs_fetch "$CACHE" "${PKGS[@]}"
rootfs_skeleton "$OUT"
debs_install "$CACHE" "$OUT" "${PKGS[@]}"
rootfs_trim_docs "$OUT"
# Keep the binary, mime.types and our config; drop init scripts, systemd units, sample sites.
find "$OUT/usr/sbin" -mindepth 1 ! -name nginx -delete
find "$OUT/usr/bin" -mindepth 1 -delete
ln -s ../sbin/nginx "$OUT/usr/bin/nginx"
rm -rf "$OUT/etc/init.d" "$OUT/etc/logrotate.d" "$OUT/etc/ufw" "$OUT/etc/default" \
       "$OUT/usr/lib/systemd" "$OUT/etc/nginx/sites-available" "$OUT/etc/nginx/sites-enabled" \
       "$OUT/etc/nginx/snippets" "$OUT/etc/nginx/modules-available" "$OUT/etc/nginx/modules-enabled" \
       "$OUT/usr/share/nginx/modules-available" "$OUT/var/www" "$OUT/usr/share/apport"
install -m 0644 "$HERE/nginx.conf" "$OUT/etc/nginx/nginx.conf"
mkdir -p "$OUT/wwwroot" "$OUT/var/log/nginx" "$OUT/var/lib/nginx"
cat > "$OUT/wwwroot/index.html" <<'HTML'
<!DOCTYPE html>
<html><head><title>nginx on ukc-emu</title></head>
<body><h1>nginx on ukc-emu</h1><p>Replace /wwwroot with your site.</p></body></html>
HTML
echo "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin" >> "$OUT/etc/passwd"
echo "nogroup:x:65534:" >> "$OUT/etc/group"
echo "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin" >> "$OUT/etc/passwd"
echo "www-data:x:33:" >> "$OUT/etc/group"
rootfs_normalize "$OUT"
version=$(dpkg-deb -f "$(ls "$CACHE"/debs/nginx_*.deb | sort -V | tail -n1)" Version)
version=${version%%-*}
echo "build-rootfs: $OUT ($(du -sh "$OUT" | cut -f1), nginx $version)" >&2
echo "tag=$(echo "$version" | cut -d. -f1,2)"
echo "contents=nginx $version"
