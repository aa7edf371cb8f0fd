#!/usr/bin/env bash
# Installs the Debian packages ukc-emu needs to build, run and test, only those missing.
# Uses sudo when not root. Safe to run repeatedly.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake pkg-config
  libboost-dev libboost-filesystem-dev libboost-system-dev
  libcpp-httplib-dev nlohmann-json3-dev libarchive-dev libyaml-cpp-dev libcli11-dev
  doctest-dev libsqlite3-dev libssl-dev
)
RUN_PACKAGES=(
  qemu-system-x86 qemu-system-data qemu-utils cpio busybox-static ca-certificates curl python3
  lz4 zstd erofs-utils
)
# kraft build runs Dockerfile RUN steps inside bubblewrap (kraft/build/run_step.h).
RUN_PACKAGES+=(bubblewrap)
TEST_PACKAGES=(
  skopeo podman buildah golang-github-containers-common uidmap fuse-overlayfs slirp4netns
  docker-registry wrk jq python3 procps nodejs openssl
)

packages=("${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}")
if [[ "${1:-}" == "--test" ]]; then
  packages+=("${TEST_PACKAGES[@]}")
  # The JS SDK test runs `npm pack`: Debian's npm, unless the installed nodejs brings its own.
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# Runtime recipes `apt-get download` Debian packages (kernel, interpreters): they need package lists.
if ! apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1; then
  echo "install-deps: fetching package lists"
  $SUDO apt-get update -qq
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
