#!/usr/bin/env bash
# E2E: `ukc-emu runtime build|list` packs the runtime recipes as official/<name>:<tag> images
# in kraftkit's layout, and real clients read them:
#  (a) all four runtimes build into the test's data dir (the shared download cache under
#      ~/.cache/ukc-emu/runtimes makes reruns fast; the first run downloads ~60 MB of .debs)
#  (b) python:3.12 via skopeo/curl: OCI index, one manifest for kraftcloud/x86_64, kernel and
#      initrd tar layers with their annotations, config Cmd/Env/Labels with the honest version
#  (c) layer contents: the kernel is an ELF, the initrd cpio holds /init and /usr/bin/python3
#  (d) nginx and node configs; node is tagged with its real major version
#  (e) a second user pulls official/... but cannot push there
#  (f) `runtime list` shows all four; a second build keeps every digest; unknown name fails
# Needs: skopeo, curl, jq, python3, tar (scripts/install-deps.sh --test).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
containers_sandbox

UKC_DATA=$TEST_TMP/data
denied_in() { grep -Eiq 'denied|unauthorized|forbidden|403|401' "$1"; }
# cpio_list FILE: names in a newc cpio, including every archive concatenated after the first.
cpio_list() {
  python3 - "$1" <<'PY'
import sys
d = open(sys.argv[1], "rb").read(); o = 0
while o + 110 <= len(d):
    if d[o:o + 6] != b"070701":
        o += 4; continue
    size = int(d[o + 54:o + 62], 16); nsize = int(d[o + 94:o + 102], 16)
    name = d[o + 110:o + 110 + nsize - 1].decode()
    o = (o + 110 + nsize + 3) & ~3; o = (o + size + 3) & ~3
    if name != "TRAILER!!!": print(name)
PY
}

# --- (a) -------------------------------------------------------------------------------------
"$UKC_EMU" runtime build --data-dir "$UKC_DATA" 2>"$TEST_TMP/build1.log"
expect_eq "(a) runtime build (all four) exits 0" 0 $?
check "(a) one progress line per step" grep -q "runtime python:3.12: " "$TEST_TMP/build1.log"

ukc_start_daemon
echo "# registry $REG, data $UKC_DATA"
sk_inspect() { sk inspect --raw --tls-verify=false --creds "${2:-$CREDS}" "docker://$REG/$1"; }
blob() { curl -sf -u "${3:-$CREDS}" "http://$REG/v2/$1/blobs/$2"; }

# --- (b) -------------------------------------------------------------------------------------
sk_inspect official/python:3.12 >"$TEST_TMP/index.json"
expect_eq "(b) python:3.12 is an OCI index" "application/vnd.oci.image.index.v1+json" \
  "$(jq -r .mediaType "$TEST_TMP/index.json")"
expect_eq "(b) index has one manifest" 1 "$(jq '.manifests | length' "$TEST_TMP/index.json")"
expect_eq "(b) platform kraftcloud/x86_64" "kraftcloud/x86_64" \
  "$(jq -r '.manifests[0].platform | .os + "/" + .architecture' "$TEST_TMP/index.json")"
MANIFEST=$(jq -r '.manifests[0].digest' "$TEST_TMP/index.json")
sk_inspect "official/python@$MANIFEST" >"$TEST_TMP/manifest.json"
expect_eq "(b) manifest is an OCI image manifest" "application/vnd.oci.image.manifest.v1+json" \
  "$(jq -r .mediaType "$TEST_TMP/manifest.json")"
expect_eq "(b) two tar layers" "application/vnd.oci.image.layer.v1.tar application/vnd.oci.image.layer.v1.tar" \
  "$(jq -r '[.layers[].mediaType] | join(" ")' "$TEST_TMP/manifest.json")"
expect_eq "(b) kernel layer annotation" "/unikraft/bin/kernel" \
  "$(jq -r '.layers[0].annotations["org.unikraft.kernel.image"]' "$TEST_TMP/manifest.json")"
expect_eq "(b) initrd layer annotation" "/unikraft/bin/initrd" \
  "$(jq -r '.layers[1].annotations["org.unikraft.kernel.initrd"]' "$TEST_TMP/manifest.json")"
CONFIG=$(jq -r .config.digest "$TEST_TMP/manifest.json")
blob official/python "$CONFIG" >"$TEST_TMP/config.json"
expect_eq "(b) config os/architecture" "kraftcloud/x86_64" \
  "$(jq -r '.os + "/" + .architecture' "$TEST_TMP/config.json")"
expect_eq "(b) config Cmd" '["/usr/bin/python3"]' "$(jq -c .config.Cmd "$TEST_TMP/config.json")"
check "(b) config Env has PATH" jq -e '.config.Env | any(startswith("PATH=/usr/local/sbin"))' "$TEST_TMP/config.json"
check "(b) label contents is the honest CPython 3.11.x" \
  jq -e '.config.Labels["org.unikraft.runtime.contents"] | test("^CPython 3\\.11\\.[0-9]+$")' "$TEST_TMP/config.json"
expect_eq "(b) label runtime name" "python:3.12" \
  "$(jq -r '.config.Labels["org.unikraft.runtime.name"]' "$TEST_TMP/config.json")"
expect_eq "(b) diff_ids are the layer digests" \
  "$(jq -c '[.layers[].digest]' "$TEST_TMP/manifest.json")" "$(jq -c .rootfs.diff_ids "$TEST_TMP/config.json")"

# --- (c) -------------------------------------------------------------------------------------
blob official/python "$(jq -r '.layers[0].digest' "$TEST_TMP/manifest.json")" >"$TEST_TMP/kernel.tar"
expect_eq "(c) kernel layer holds exactly unikraft/bin/kernel" "unikraft/bin/kernel" \
  "$(tar -tf "$TEST_TMP/kernel.tar")"
expect_eq "(c) kernel is an uncompressed ELF (vmlinux)" "7f454c46" \
  "$(tar -xOf "$TEST_TMP/kernel.tar" unikraft/bin/kernel | head -c4 | od -An -tx1 | tr -d ' \n')"
blob official/python "$(jq -r '.layers[1].digest' "$TEST_TMP/manifest.json")" >"$TEST_TMP/initrd.tar"
expect_eq "(c) initrd layer holds exactly unikraft/bin/initrd" "unikraft/bin/initrd" \
  "$(tar -tf "$TEST_TMP/initrd.tar")"
tar -xOf "$TEST_TMP/initrd.tar" unikraft/bin/initrd >"$TEST_TMP/initrd.cpio"
cpio_list "$TEST_TMP/initrd.cpio" >"$TEST_TMP/initrd.list"
check "(c) cpio -t of the first archive works" bash -c "cpio -t <'$TEST_TMP/initrd.cpio' 2>/dev/null | grep -qx usr/bin/python3"
check "(c) initrd has /init" grep -qx init "$TEST_TMP/initrd.list"
check "(c) initrd has /usr/bin/python3" grep -qx usr/bin/python3 "$TEST_TMP/initrd.list"

# --- (d) -------------------------------------------------------------------------------------
config_of() {  # config_of REPO:TAG -> config JSON
  local repo=${1%%:*} idx man
  idx=$(sk_inspect "$1" | jq -r '.manifests[0].digest')
  man=$(sk_inspect "$repo@$idx" | jq -r .config.digest)
  blob "$repo" "$man"
}
config_of official/nginx:latest >"$TEST_TMP/nginx.json"
expect_eq "(d) nginx Cmd" '["/usr/bin/nginx","-c","/etc/nginx/nginx.conf"]' "$(jq -c .config.Cmd "$TEST_TMP/nginx.json")"
expect_eq "(d) nginx port label" 8080 "$(jq -r '.config.Labels["org.unikraft.runtime.port"]' "$TEST_TMP/nginx.json")"
config_of official/node:latest >"$TEST_TMP/node.json"
NODE_MAJOR=$(jq -r '.config.Labels["org.unikraft.runtime.contents"]' "$TEST_TMP/node.json" | sed -n 's/^Node\.js \([0-9]*\)\..*/\1/p')
check "(d) node contents label is Node.js <version>" test -n "$NODE_MAJOR"
expect_eq "(d) node:<major> is node:latest" "$(sk_inspect official/node:latest | sha256sum)" \
  "$(sk_inspect "official/node:$NODE_MAJOR" | sha256sum)"
config_of official/base:latest >"$TEST_TMP/base.json"
expect_eq "(d) base has no Cmd" null "$(jq -c .config.Cmd "$TEST_TMP/base.json")"

# --- (e) -------------------------------------------------------------------------------------
BOB=$(creds_from_token "$("$UKC_EMU" user add bob --data-dir "$UKC_DATA")")
check "(e) bob reads official/python:3.12" sk_inspect official/python:3.12 "$BOB"
check "(e) bob pulls a layer of official/python" \
  bash -c "curl -sf -u '$BOB' -o /dev/null http://$REG/v2/official/python/blobs/$CONFIG"
sk copy --multi-arch all --src-tls-verify=false --dest-tls-verify=false --src-creds "$BOB" --dest-creds "$BOB" \
  "docker://$REG/official/base:latest" "docker://$REG/official/base:bob" >"$TEST_TMP/push.log" 2>&1
expect_eq "(e) bob cannot push to official/base" 1 $?
check "(e) ... refused on authorization" denied_in "$TEST_TMP/push.log"
check "(e) ... and no tag appeared" bash -c "! skopeo inspect --raw --tls-verify=false --creds '$CREDS' docker://$REG/official/base:bob"

# --- (f) -------------------------------------------------------------------------------------
"$UKC_EMU" runtime list --data-dir "$UKC_DATA" >"$TEST_TMP/list.txt"
expect_eq "(f) runtime list exits 0" 0 $?
check "(f) list header" grep -Eq '^NAME +TAG +DIGEST +SIZE +CONTENTS' "$TEST_TMP/list.txt"
check "(f) list: python 3.12 CPython 3.11" grep -Eq '^python +3\.12 +sha256:[0-9a-f]{12} .*CPython 3\.11\.' "$TEST_TMP/list.txt"
check "(f) list: nginx" grep -Eq '^nginx +latest .*nginx 1\.' "$TEST_TMP/list.txt"
check "(f) list: node" grep -Eq "^node +$NODE_MAJOR .*Node\\.js $NODE_MAJOR\\." "$TEST_TMP/list.txt"
check "(f) list: base" grep -Eq '^base +latest ' "$TEST_TMP/list.txt"
for ref in base:latest nginx:latest node:latest python:3.12; do
  sk_inspect "official/$ref" | sha256sum >>"$TEST_TMP/digests1"
done
"$UKC_EMU" runtime build --data-dir "$UKC_DATA" 2>"$TEST_TMP/build2.log"
expect_eq "(f) second runtime build exits 0" 0 $?
expect_eq "(f) second build: all four up to date" 4 "$(grep -c ': up to date' "$TEST_TMP/build2.log")"
for ref in base:latest nginx:latest node:latest python:3.12; do
  sk_inspect "official/$ref" | sha256sum >>"$TEST_TMP/digests2"
done
check "(f) second build keeps every digest" cmp "$TEST_TMP/digests1" "$TEST_TMP/digests2"
"$UKC_EMU" runtime build --data-dir "$UKC_DATA" ruby 2>"$TEST_TMP/unknown.log"
expect_eq "(f) unknown runtime exits 1" 1 $?
check "(f) ... names it and lists the known ones" \
  grep -q "unknown runtime 'ruby' (known: .*python:3.12" "$TEST_TMP/unknown.log"

ukc_finish
