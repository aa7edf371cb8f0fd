#!/usr/bin/env bash
# E2E: `kraft build`, `kraft pkg`, `kraft pkg ls`, `kraft pkg push` against the real daemon with
# the python:3.12 runtime (kraft-cli.md §10, image-format.md §1, §2.4, §3.2):
#  (a) kraft build writes .unikraft/build/initramfs-x86_64.cpio holding the app files
#  (b) kraft pkg --push: an OCI index (kraftcloud/x86_64, kraftkit's annotations) → a manifest
#      with the runtime's kernel + initrd layers (same digests: mounted, not re-uploaded) + the
#      app's initrd layer; config Cmd/Env/Labels
#  (c) a second kraft pkg --push with unchanged input uploads no blob and keeps every digest
#  (d) kraft cloud image list shows the image; kraft pkg ls shows the local package
#  (e) kraft pkg (no push) + kraft pkg push NAME
#  (f) errors: no --name, unknown runtime (nothing pushed)
#  (g) --rootfs-type erofs packs an EROFS initrd, which the VMM refuses with a clear error
#  (h) real QEMU (skipped with UKC_VMM=fake): the overlaid initrd boots and /src/server.py of
#      the app layer replaces the runtime's (none there) and serves
# Needs: skopeo, curl, jq, python3, tar, erofs-utils, qemu (scripts/install-deps.sh --test).
source "$(dirname "$0")/lib.sh"
containers_sandbox
KRAFT=${KRAFT:-$(dirname "$UKC_EMU")/kraft}
export HOME=$TEST_TMP/home XDG_DATA_HOME=$TEST_TMP/xdg KRAFTKIT_CONFIG_DIR=$TEST_TMP/kraftkit
unset UNIKRAFTCLOUD_TOKEN KRAFTCLOUD_TOKEN KC_TOKEN UNIKRAFTCLOUD_METRO KRAFTCLOUD_METRO KC_METRO

UKC_DATA=$TEST_TMP/data
check "runtime build python:3.12" \
  timeout 900 "$UKC_EMU" runtime build --data-dir "$UKC_DATA" python:3.12
ukc_start_daemon
sk_raw() { sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/$1"; }
blob() { curl -sf -u "$CREDS" "http://$REG/v2/$1/blobs/$2"; }
# cpio_list FILE: names in a newc cpio (every concatenated archive).
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

APP=$TEST_TMP/app
mkdir -p "$APP/rootfs-dir/src"
cat >"$APP/rootfs-dir/src/server.py" <<'PY'
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"Hello from kraft pkg\n")
print("app layer server up", flush=True)
http.server.HTTPServer(("", 8080), H).serve_forever()
PY
cat >"$APP/Kraftfile" <<'YAML'
spec: v0.6
runtime: python:3.12
rootfs: ./rootfs-dir
cmd: ["/usr/bin/python3", "/src/server.py"]
env:
  GREETING: hello
labels:
  cloud.unikraft.v1.instances/scale_to_zero.policy: "on"
YAML

# --- (a) -------------------------------------------------------------------------------------
(cd "$APP" && "$KRAFT" build) >"$TEST_TMP/build.out" 2>"$TEST_TMP/build.err"
expect_eq "(a) kraft build exits 0" 0 $?
check "(a) summary names the initramfs" grep -q "initramfs-x86_64.cpio" "$TEST_TMP/build.out"
cpio_list "$APP/.unikraft/build/initramfs-x86_64.cpio" >"$TEST_TMP/a.list"
check "(a) the cpio holds /src/server.py" grep -qx /src/server.py "$TEST_TMP/a.list"

# --- (b) -------------------------------------------------------------------------------------
start=$(date +%s.%N)
(cd "$APP" && "$KRAFT" pkg --push --name local/app) >"$TEST_TMP/pkg1.out" 2>"$TEST_TMP/pkg1.err"
rc=$?
end=$(date +%s.%N)
expect_eq "(b) kraft pkg --push exits 0" 0 $rc
[[ $rc -eq 0 ]] || cat "$TEST_TMP/pkg1.err"
echo "# pkg+push took $(python3 -c "print(round($end - $start, 2))") s"
sk_raw local/app:latest >"$TEST_TMP/index.json"
INDEX_DIGEST=sha256:$(sha256sum "$TEST_TMP/index.json" | cut -d' ' -f1)
expect_eq "(b) stdout names the image by index digest" "local/app@$INDEX_DIGEST" "$(cat "$TEST_TMP/pkg1.out")"
expect_eq "(b) an OCI index" application/vnd.oci.image.index.v1+json "$(jq -r .mediaType "$TEST_TMP/index.json")"
expect_eq "(b) platform kraftcloud/x86_64" kraftcloud/x86_64 \
  "$(jq -r '.manifests[0].platform | .os + "/" + .architecture' "$TEST_TMP/index.json")"
expect_eq "(b) index annotations" \
  "index.unikraft.io/local/app index.unikraft.io/local/app:latest true" \
  "$(jq -r '.annotations | [."org.opencontainers.image.ref.name", ."io.containerd.image.name", has("sh.kraftkit.version")] | map(tostring) | join(" ")' "$TEST_TMP/index.json")"
sk_raw "local/app@$(jq -r '.manifests[0].digest' "$TEST_TMP/index.json")" >"$TEST_TMP/manifest.json"
expect_eq "(b) manifest org.unikraft.image.name" index.unikraft.io/local/app \
  "$(jq -r '.annotations["org.unikraft.image.name"]' "$TEST_TMP/manifest.json")"
check "(b) manifest org.unikraft.kernel.version" \
  jq -e '.annotations["org.unikraft.kernel.version"] | length > 0' "$TEST_TMP/manifest.json"
expect_eq "(b) layers: kernel, runtime initrd, app initrd" "kernel initrd initrd" \
  "$(jq -r '[.layers[] | if .annotations["org.unikraft.kernel.image"] then "kernel" elif .annotations["org.unikraft.kernel.initrd"] then "initrd" else "?" end] | join(" ")' "$TEST_TMP/manifest.json")"
sk_raw "official/python:3.12" >"$TEST_TMP/rt-index.json"
sk_raw "official/python@$(jq -r '.manifests[0].digest' "$TEST_TMP/rt-index.json")" >"$TEST_TMP/rt-manifest.json"
expect_eq "(b) kernel and runtime initrd digests are the runtime's" \
  "$(jq -c '[.layers[].digest]' "$TEST_TMP/rt-manifest.json")" \
  "$(jq -c '[.layers[0:2][].digest]' "$TEST_TMP/manifest.json")"
blob local/app "$(jq -r .config.digest "$TEST_TMP/manifest.json")" >"$TEST_TMP/config.json"
expect_eq "(b) config os/arch and Cmd" 'kraftcloud/x86_64 ["/usr/bin/python3","/src/server.py"]' \
  "$(jq -c -r '(.os + "/" + .architecture) + " " + (.config.Cmd | tostring)' "$TEST_TMP/config.json")"
check "(b) config Env has the runtime's and the Kraftfile's" \
  jq -e '(.config.Env | index("GREETING=hello")) and (.config.Env | any(startswith("PYTHONUNBUFFERED=")))' "$TEST_TMP/config.json"
expect_eq "(b) config label" on \
  "$(jq -r '.config.Labels["cloud.unikraft.v1.instances/scale_to_zero.policy"]' "$TEST_TMP/config.json")"
blob local/app "$(jq -r '.layers[2].digest' "$TEST_TMP/manifest.json")" >"$TEST_TMP/app.tar"
expect_eq "(b) app layer holds unikraft/bin/initrd" unikraft/bin/initrd "$(tar -tf "$TEST_TMP/app.tar")"
tar -xOf "$TEST_TMP/app.tar" unikraft/bin/initrd >"$TEST_TMP/app.cpio"
check "(b) app initrd is the built cpio" cmp "$TEST_TMP/app.cpio" "$APP/.unikraft/build/initramfs-x86_64.cpio"
check "(b) runtime layers were mounted, not uploaded" grep -q "2 mounted" "$TEST_TMP/pkg1.err"

# --- (c) -------------------------------------------------------------------------------------
uploads_before=$(grep -c "POST /v2/local/app/blobs/uploads/ 202" "$TEST_TMP/daemon.log")
(cd "$APP" && "$KRAFT" pkg --push --name local/app) >"$TEST_TMP/pkg2.out" 2>"$TEST_TMP/pkg2.err"
expect_eq "(c) second kraft pkg --push exits 0" 0 $?
expect_eq "(c) same image digest" "$(cat "$TEST_TMP/pkg1.out")" "$(cat "$TEST_TMP/pkg2.out")"
check "(c) nothing uploaded (kraft's count)" grep -q "0 blobs uploaded, 0 mounted, 4 already present" "$TEST_TMP/pkg2.err"
expect_eq "(c) no upload session opened (daemon log)" "$uploads_before" \
  "$(grep -c "POST /v2/local/app/blobs/uploads/ 202" "$TEST_TMP/daemon.log")"

# --- (d) -------------------------------------------------------------------------------------
check "(d) kraft cloud image list shows local/app" \
  bash -c "'$KRAFT' cloud image list | grep -E '^local/app +latest'"
"$KRAFT" pkg ls >"$TEST_TMP/ls.out" 2>&1
check "(d) kraft pkg ls header" grep -qE '^TYPE +NAME +VERSION +FORMAT +CREATED +UPDATED +PULLED +MANIFEST +INDEX +PLAT +SIZE' "$TEST_TMP/ls.out"
check "(d) kraft pkg ls row" grep -qE "^app +index.unikraft.io/local/app +latest +oci .* ${INDEX_DIGEST:7:24}\.\.\. +kraftcloud/x86_64 " "$TEST_TMP/ls.out"

# --- (e) -------------------------------------------------------------------------------------
check "(e) kraft pkg without --push" bash -c "cd '$APP' && '$KRAFT' pkg --name local/later"
check "(e) not in the registry yet" bash -c "! curl -sf -u '$CREDS' http://$REG/v2/local/later/tags/list | grep -q latest"
check "(e) kraft pkg push local/later" "$KRAFT" pkg push local/later
check "(e) now in the registry" sk_raw local/later:latest

# --- (f) -------------------------------------------------------------------------------------
(cd "$APP" && "$KRAFT" pkg --push) >/dev/null 2>"$TEST_TMP/noname.err"
expect_eq "(f) no --name: exit 1" 1 $?
check "(f) no --name: kraft's error" grep -q "cannot package without setting --name" "$TEST_TMP/noname.err"
(cd "$APP" && "$KRAFT" pkg --push --runtime python:9.9 --name local/bad) >/dev/null 2>"$TEST_TMP/bad.err"
expect_eq "(f) unknown runtime: exit 1" 1 $?
check "(f) unknown runtime named" grep -q "runtime official/python:9.9 not found" "$TEST_TMP/bad.err"
check "(f) nothing pushed" bash -c "! curl -sf -u '$CREDS' http://$REG/v2/local/bad/tags/list | grep -q latest"

# --- (g) -------------------------------------------------------------------------------------
(cd "$APP" && "$KRAFT" pkg --push --rootfs-type erofs --name local/erofsapp) >"$TEST_TMP/erofs.out" 2>"$TEST_TMP/erofs.err"
expect_eq "(g) erofs pkg exits 0" 0 $?
sk_raw "local/erofsapp@$(sk_raw local/erofsapp:latest | jq -r '.manifests[0].digest')" >"$TEST_TMP/em.json"
blob local/erofsapp "$(jq -r '.layers[2].digest' "$TEST_TMP/em.json")" | tar -xOf - unikraft/bin/initrd >"$TEST_TMP/app.erofs"
expect_eq "(g) EROFS magic at 1024" e2e1f5e0 "$(od -An -tx1 -j1024 -N4 "$TEST_TMP/app.erofs" | tr -d ' \n')"
"$UKC_EMU" vm run --data-dir "$UKC_DATA" local/erofsapp:latest >/dev/null 2>"$TEST_TMP/erofs-run.err"
check "(g) the VMM refuses it clearly" grep -q "EROFS initrds are not bootable in ukc-emu yet" "$TEST_TMP/erofs-run.err"

# --- (h) -------------------------------------------------------------------------------------
if [[ "${UKC_VMM:-}" != fake ]]; then
  "$KRAFT" cloud instance create --start -n pkgapp local/app:latest >"$TEST_TMP/create.out" 2>&1
  check "(h) instance create --start" grep -q "pkgapp" "$TEST_TMP/create.out"
  ok=0
  for _ in $(seq 1 240); do
    "$KRAFT" cloud instance logs pkgapp 2>/dev/null | grep -q "app layer server up" && { ok=1; break; }
    sleep 0.5
  done
  expect_eq "(h) the app layer's server.py runs on the runtime's python" 1 $ok
  "$KRAFT" cloud instance remove pkgapp >/dev/null 2>&1
fi
ukc_finish
