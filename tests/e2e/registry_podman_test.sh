#!/usr/bin/env bash
# E2E: the registry against podman 4.3 and buildah 1.28 (containers/image v5.23), as root,
# with no container engine and no network: every bit of client state (image storage, run
# state, containers.conf, storage.conf, registries.conf, policy, auth file, tmp) lives in
# $TEST_TMP and is removed at the end.
#  - build an image offline (buildah from scratch + copy + config + commit)
#  - podman push, rmi, podman pull back: same image ID and manifest digest
#  - buildah push --format oci and --format v2s2: manifest types/digests as pushed, pull back
#  - podman login with the token's credentials works (then push/pull via the auth file only),
#    with a wrong password fails
# Needs: podman, buildah, skopeo, golang-github-containers-common, jq (scripts/install-deps.sh --test).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ST_ROOT=$TEST_TMP/storage
ST_RUN=$TEST_TMP/run
mkdir -p "$ST_ROOT" "$ST_RUN" "$TEST_TMP/tmp" "$TEST_TMP/libpod-tmp" "$TEST_TMP/netconf" "$TEST_TMP/volumes"

cat >"$TEST_TMP/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$ST_ROOT"
runroot = "$ST_RUN"
EOF
cat >"$TEST_TMP/containers.conf" <<EOF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$TEST_TMP/events.log"
tmp_dir = "$TEST_TMP/libpod-tmp"
volume_path = "$TEST_TMP/volumes"
static_dir = "$ST_ROOT/libpod"
[network]
network_config_dir = "$TEST_TMP/netconf"
EOF
printf 'unqualified-search-registries = []\n' >"$TEST_TMP/registries.conf"
printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' >"$TEST_TMP/policy.json"
export CONTAINERS_STORAGE_CONF=$TEST_TMP/storage.conf
export CONTAINERS_CONF=$TEST_TMP/containers.conf
export CONTAINERS_REGISTRIES_CONF=$TEST_TMP/registries.conf
export REGISTRY_AUTH_FILE=$TEST_TMP/auth.json
printf '{"auths":{}}\n' >"$TEST_TMP/auth.json"   # buildah refuses an auth file that does not exist
export TMPDIR=$TEST_TMP/tmp
export BUILDAH_ISOLATION=chroot
AUTHFILE=$TEST_TMP/auth.json
POLICY=$TEST_TMP/policy.json

STORE_FLAGS=(--root "$ST_ROOT" --runroot "$ST_RUN" --storage-driver vfs)
pm() { timeout 180 podman "${STORE_FLAGS[@]}" --tmpdir "$TEST_TMP/libpod-tmp" \
  --cgroup-manager cgroupfs --events-backend file "$@"; }
bd() { timeout 180 buildah "${STORE_FLAGS[@]}" "$@"; }
sk() { timeout 180 skopeo --policy "$POLICY" "$@"; }
sha256_of() { sha256sum "$1" | awk '{print "sha256:" $1}'; }

podman_cleanup() {
  if [[ -d "$ST_ROOT" ]]; then
    timeout 60 buildah "${STORE_FLAGS[@]}" rm --all >/dev/null 2>&1
    timeout 60 podman "${STORE_FLAGS[@]}" --tmpdir "$TEST_TMP/libpod-tmp" rmi --all --force >/dev/null 2>&1
    # Nothing should be mounted under $TEST_TMP with vfs, but never rm -rf through a mount.
    awk -v t="$TEST_TMP" 'index($2, t) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null
    done
  fi
  ukc_cleanup
}
trap podman_cleanup EXIT

ukc_start_daemon
echo "# registry $REG, data $UKC_DATA"
USER_NAME=${CREDS%%:*}
USER_PASS=${CREDS#*:}

# ---------------------------------------------------------------------------------------------
# Build an image offline: scratch + two files (one of 2 MiB random bytes) + config.
mkdir -p "$TEST_TMP/ctx/app"
head -c $((2 * 1024 * 1024)) /dev/urandom >"$TEST_TMP/ctx/app/blob.bin"
echo "hello from ukc-emu e2e $$ $RANDOM" >"$TEST_TMP/ctx/app/hello.txt"

CTR=$(bd from --signature-policy "$POLICY" scratch 2>"$TEST_TMP/from.err")
check "buildah from scratch" test -n "$CTR"
check "buildah copy" bd copy "$CTR" "$TEST_TMP/ctx/app" /app
check "buildah config" bd config --cmd '["/app/run"]' --label org.example.test=ukc-emu --env UKC=1 "$CTR"
check "buildah commit localhost/podimg:1" \
  bd commit --signature-policy "$POLICY" --format oci "$CTR" localhost/podimg:1
# A second layer so the image has several.
CTR2=$(bd from --signature-policy "$POLICY" localhost/podimg:1 2>>"$TEST_TMP/from.err")
head -c $((1024 * 1024)) /dev/urandom >"$TEST_TMP/ctx/second.bin"
check "buildah copy (second layer)" bd copy "$CTR2" "$TEST_TMP/ctx/second.bin" /second.bin
check "buildah commit localhost/podimg:1 (two layers)" \
  bd commit --signature-policy "$POLICY" --format oci "$CTR2" localhost/podimg:1
LOCAL_ID=$(pm image inspect --format '{{.Id}}' localhost/podimg:1 2>"$TEST_TMP/inspect.err")
check "podman sees the built image" test -n "$LOCAL_ID"
LOCAL_ID=${LOCAL_ID:-<no-local-image>}
NLAYERS=$(pm image inspect --format '{{len .RootFS.Layers}}' localhost/podimg:1 2>/dev/null)
expect_eq "built image has 2 layers" "2" "$NLAYERS"

# ---------------------------------------------------------------------------------------------
# podman push / rmi / pull
check "podman push --tls-verify=false $REG/local/podimg:1" \
  pm push --signature-policy "$POLICY" --tls-verify=false --creds "$CREDS" \
    --digestfile "$TEST_TMP/push.digest" localhost/podimg:1 "docker://$REG/local/podimg:1"
PUSH_DIGEST=$(cat "$TEST_TMP/push.digest" 2>/dev/null)
PUSH_DIGEST=${PUSH_DIGEST:-<no-push-digest>}
sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/podimg:1" >"$TEST_TMP/podimg.raw" 2>/dev/null
expect_eq "registry serves the manifest podman pushed" "$PUSH_DIGEST" "$(sha256_of "$TEST_TMP/podimg.raw")"
expect_eq "pushed manifest's config is the local image ID" "sha256:$LOCAL_ID" \
  "$(jq -r .config.digest "$TEST_TMP/podimg.raw" 2>/dev/null)"

check "podman rmi localhost/podimg:1" pm rmi --force localhost/podimg:1
if pm image exists localhost/podimg:1 2>/dev/null || pm image exists "$LOCAL_ID" 2>/dev/null; then
  expect_eq "image gone locally after rmi" "gone" "still there"
else
  expect_eq "image gone locally after rmi" "gone" "gone"
fi

check "podman pull --tls-verify=false $REG/local/podimg:1" \
  pm pull --signature-policy "$POLICY" --tls-verify=false --creds "$CREDS" "$REG/local/podimg:1"
expect_eq "pulled image ID equals the original" "$LOCAL_ID" \
  "$(pm image inspect --format '{{.Id}}' "$REG/local/podimg:1" 2>/dev/null)"
expect_eq "pulled image digest equals the pushed manifest digest" "$PUSH_DIGEST" \
  "$(pm image inspect --format '{{.Digest}}' "$REG/local/podimg:1" 2>/dev/null)"
# Same content, file by file.
MNT_CTR=$(bd from --signature-policy "$POLICY" --pull-never "$REG/local/podimg:1" 2>/dev/null)
MNT=$(bd mount "$MNT_CTR" 2>/dev/null)
MNT=${MNT:-/nonexistent}
check "pulled image holds the same files" \
  bash -c 'cmp "$1/app/blob.bin" "$2/app/blob.bin" && cmp "$1/app/hello.txt" "$2/app/hello.txt" && cmp "$1/second.bin" "$2/second.bin"' \
  _ "$MNT" "$TEST_TMP/ctx" 2>/dev/null
[[ -n "$MNT_CTR" ]] && { bd umount "$MNT_CTR" >/dev/null 2>&1; bd rm "$MNT_CTR" >/dev/null 2>&1; }
check "podman pull by digest $REG/local/podimg@$PUSH_DIGEST" \
  pm pull --signature-policy "$POLICY" --tls-verify=false --creds "$CREDS" "$REG/local/podimg@$PUSH_DIGEST"

# ---------------------------------------------------------------------------------------------
# buildah push in both formats, then drop every local image and pull each back.
mt_of() { case $1 in oci) echo application/vnd.oci.image.manifest.v1+json ;;
  v2s2) echo application/vnd.docker.distribution.manifest.v2+json ;; esac; }
declare -A BD BCFG
for fmt in oci v2s2; do
  want_mt=$(mt_of "$fmt")
  check "buildah push --format $fmt $REG/local/bimg:$fmt" \
    bd push --signature-policy "$POLICY" --tls-verify=false --creds "$CREDS" --format "$fmt" \
      --digestfile "$TEST_TMP/b-$fmt.digest" "$REG/local/podimg:1" "docker://$REG/local/bimg:$fmt"
  D=$(cat "$TEST_TMP/b-$fmt.digest" 2>/dev/null)
  check "buildah push --format $fmt wrote a digest" test -n "$D"
  BD[$fmt]=${D:-<no-digest>}
  sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/bimg:$fmt" >"$TEST_TMP/b-$fmt.raw" 2>/dev/null
  expect_eq "($fmt) registry serves the manifest buildah pushed" "${BD[$fmt]}" "$(sha256_of "$TEST_TMP/b-$fmt.raw")"
  expect_eq "($fmt) manifest media type" "$want_mt" "$(jq -r .mediaType "$TEST_TMP/b-$fmt.raw" 2>/dev/null)"
  curl -sS -u "$CREDS" -o /dev/null -D "$TEST_TMP/b-$fmt.hdr" -H "Accept: $want_mt" \
    "http://$REG/v2/local/bimg/manifests/$fmt" 2>/dev/null
  expect_eq "($fmt) GET manifest Content-Type" "$want_mt" \
    "$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$TEST_TMP/b-$fmt.hdr" | tr -d '\r' | head -1)"
  CFG=$(jq -r .config.digest "$TEST_TMP/b-$fmt.raw" 2>/dev/null)
  BCFG[$fmt]=${CFG:-<no-config>}
  # Every blob the manifest names comes back with the size and digest it was pushed with.
  check "($fmt) skopeo copy to dir: has every blob intact" \
    bash -c 'set -e; skopeo --policy "$1" copy --src-tls-verify=false --src-creds "$2" "docker://$3" "dir:$4" >/dev/null
      cmp "$4/manifest.json" "$5"
      for d in $(jq -r ".config.digest, .layers[].digest" "$5"); do
        h=${d#sha256:}; [[ "$(sha256sum "$4/$h" | cut -d" " -f1)" == "$h" ]] || { echo "bad blob $d"; exit 1; }
      done' _ "$POLICY" "$CREDS" "$REG/local/bimg:$fmt" "$TEST_TMP/dir-$fmt" "$TEST_TMP/b-$fmt.raw"
done

check "remove every local image" pm rmi --all --force
expect_eq "no local images left" "" "$(pm images -q 2>/dev/null)"
for fmt in oci v2s2; do
  check "($fmt) buildah pull $REG/local/bimg:$fmt into empty storage" \
    bd pull --signature-policy "$POLICY" --tls-verify=false --creds "$CREDS" "$REG/local/bimg:$fmt"
  expect_eq "($fmt) pulled image ID is the pushed config digest" "${BCFG[$fmt]#sha256:}" \
    "$(pm image inspect --format '{{.Id}}' "$REG/local/bimg:$fmt" 2>/dev/null)"
  check "($fmt) pulled image's RepoDigests has $REG/local/bimg@${BD[$fmt]}" \
    bash -c 'podman "${@:3}" image inspect --format "{{range .RepoDigests}}{{println .}}{{end}}" "$1" | grep -qxF "$2"' \
      _ "$REG/local/bimg:$fmt" "$REG/local/bimg@${BD[$fmt]}" "${STORE_FLAGS[@]}" --tmpdir "$TEST_TMP/libpod-tmp"
done
expect_eq "(oci) push kept the original image ID" "sha256:$LOCAL_ID" "${BCFG[oci]}"

# ---------------------------------------------------------------------------------------------
# podman login / logout
check "podman login --tls-verify=false with the token's credentials" \
  pm login --tls-verify=false --authfile "$AUTHFILE" -u "$USER_NAME" -p "$USER_PASS" "$REG"
check "auth file records $REG" jq -e --arg r "$REG" '.auths[$r].auth' "$AUTHFILE"
check "podman push using only the auth file" \
  pm push --signature-policy "$POLICY" --tls-verify=false --authfile "$AUTHFILE" \
    "$REG/local/bimg:oci" "docker://$REG/local/podimg:viaauthfile"
pm rmi --all --force >/dev/null 2>&1
check "podman pull using only the auth file" \
  pm pull --signature-policy "$POLICY" --tls-verify=false --authfile "$AUTHFILE" "$REG/local/podimg:viaauthfile"
expect_eq "image pulled via auth file has the original ID" "$LOCAL_ID" \
  "$(pm image inspect --format '{{.Id}}' "$REG/local/podimg:viaauthfile" 2>/dev/null)"
check "podman login with plain user name 'local'" \
  pm login --tls-verify=false --authfile "$TEST_TMP/auth-plain.json" -u local -p "$USER_PASS" "$REG"
check "podman logout" pm logout --authfile "$AUTHFILE" "$REG"

if pm login --tls-verify=false --authfile "$TEST_TMP/auth-bad.json" -u "$USER_NAME" -p "wrong-$USER_PASS" \
    "$REG" >"$TEST_TMP/badlogin.log" 2>&1; then
  expect_eq "podman login with a wrong password fails" "failure" "success"
else
  check "podman login with a wrong password fails (unauthorized)" \
    grep -Eiq 'unauthorized|401|invalid username/password' "$TEST_TMP/badlogin.log"
fi
if pm login --tls-verify=false --authfile "$TEST_TMP/auth-bad2.json" -u nosuchuser -p "$USER_PASS" \
    "$REG" >"$TEST_TMP/badlogin2.log" 2>&1; then
  expect_eq "podman login as an unknown user fails" "failure" "success"
else
  expect_eq "podman login as an unknown user fails" "failure" "failure"
fi
if pm pull --signature-policy "$POLICY" --tls-verify=false --creds "$USER_NAME:wrong" \
    "$REG/local/podimg:1" >"$TEST_TMP/badpull.log" 2>&1; then
  expect_eq "podman pull with a wrong password fails" "failure" "success"
else
  expect_eq "podman pull with a wrong password fails" "failure" "failure"
fi

# On failure, the daemon's 5xx answers and warnings help more than the log's last lines.
if ((FAILED)); then
  echo "--- daemon log: 5xx responses, warnings, errors"
  grep -E ' 5[0-9]{2} [0-9]+us|WARN|ERROR' "$TEST_TMP/daemon.log" | tail -30
fi
ukc_finish
