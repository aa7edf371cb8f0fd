# Guest pieces shared by the integration tests and bench/boot.sh (sourced after setting ROOT):
# guest_pieces BINDIR fetches the kernel (cached) and builds ukc-init and the test HTTP server into
# BINDIR, setting KERNEL (uncompressed vmlinux, else the bzImage), BZIMAGE, KMODS. Returns
# non-zero with a message on stderr when a step fails; every step is bounded in time.
RT=$ROOT/runtimes
CACHE=${UKC_RUNTIME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ukc-emu/runtimes}

guest_pieces() {
  local kinfo
  kinfo=$(timeout 300 "$RT/kernel/fetch-kernel.sh" "$CACHE/kernel") ||
    { echo "fetch-kernel.sh failed" >&2; return 1; }
  BZIMAGE=$(sed -n 's/^kernel=//p' <<<"$kinfo")
  KERNEL=$(sed -n 's/^vmlinux=//p' <<<"$kinfo")  # PVH ELF: no in-guest decompression
  [ -n "$KERNEL" ] || KERNEL=$BZIMAGE
  KMODS=$(sed -n 's/^modules=//p' <<<"$kinfo")
  timeout 120 make -s -C "$RT/init" OUT="$1" >/dev/null || { echo "building ukc-init failed" >&2; return 1; }
  timeout 120 make -s -C "$RT/testapps" OUT="$1" >/dev/null ||
    { echo "building http-server failed" >&2; return 1; }
}

# httpc_image DIR: the test HTTP server as a kraftkit-format image in DIR/img (kernel + one initrd
# of ukc-init, the modules and /http-server; Cmd "/http-server 8080"), built from guest_pieces in
# DIR/bin (sets KERNEL, KMODS too). Needs ROOT.
httpc_image() {
  mkdir -p "$1/rootfs"
  guest_pieces "$1/bin" || return 1
  cp "$1/bin/http-server" "$1/rootfs/"
  "$RT/build-initrd.sh" --out "$1/initrd" --init "$1/bin/ukc-init" --kmods "$KMODS" \
    --rootfs "$1/rootfs" 2>/dev/null || { echo "build-initrd failed" >&2; return 1; }
  python3 "$ROOT/tests/tools/make-unikraft-image.py" "$1/img" --kernel "$KERNEL" \
    --initrd "$1/initrd" --cmd /http-server --cmd 8080 >/dev/null
}
