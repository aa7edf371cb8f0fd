#!/usr/bin/env bash
# E2E: the registry against a real client, skopeo 1.9.3 (containers/image v5.23).
#  (a) multi-layer OCI image: push with --preserve-digests, pull back, byte-identical
#  (b) OCI image index with two platforms (--multi-arch all), round trip byte-identical
#  (c) registry-to-registry copy between repositories (cross-repo mount), same digest
#  (d) inspect --raw, list-tags, delete (afterwards inspect fails)
#  (e) a second user cannot push to or read local/..., can push to its own bob/...
# Needs: skopeo, python3, jq (scripts/install-deps.sh --test).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools" && pwd)

# Keep containers/image away from the host's config: own policy, registries.conf, auth file, tmp.
containers_sandbox

sha256_of() { sha256sum "$1" | awk '{print "sha256:" $1}'; }
# field NAME FILE: value of "NAME=..." printed by make-oci-layout.py
field() { sed -n "s/^$1=//p" "$2" | head -1; }
# denied_in LOG: a refused skopeo run must fail on authorization, not on something unrelated.
denied_in() { grep -Eiq 'denied|unauthorized|forbidden|403|401' "$1"; }

ukc_start_daemon
echo "# registry $REG, data $UKC_DATA"

# ---------------------------------------------------------------------------------------------
# (a) multi-layer OCI image round trip
python3 "$TOOLS/make-oci-layout.py" "$TEST_TMP/src1" --tag v1 --layer-mb 1,2,3 >"$TEST_TMP/src1.out"
SRC1_DIGEST=$(field manifest "$TEST_TMP/src1.out")
check "(a) generated OCI layout is valid" \
  python3 "$TOOLS/verify-oci-layout.py" "$TEST_TMP/src1" --tag v1 --expect-manifest "$SRC1_DIGEST"

check "(a) skopeo copy oci: -> docker://$REG/local/app:v1 (--preserve-digests)" \
  sk copy --preserve-digests --dest-tls-verify=false --dest-creds "$CREDS" \
    --digestfile "$TEST_TMP/push1.digest" "oci:$TEST_TMP/src1:v1" "docker://$REG/local/app:v1"
expect_eq "(a) pushed manifest digest equals the layout's" "$SRC1_DIGEST" "$(cat "$TEST_TMP/push1.digest" 2>/dev/null)"

check "(a) skopeo copy docker://$REG/local/app:v1 -> new oci: layout" \
  sk copy --preserve-digests --src-tls-verify=false --src-creds "$CREDS" \
    "docker://$REG/local/app:v1" "oci:$TEST_TMP/back1:v1"
check "(a) pulled layout: same manifest digest, every blob byte-identical" \
  python3 "$TOOLS/verify-oci-layout.py" "$TEST_TMP/back1" --tag v1 --expect-manifest "$SRC1_DIGEST" \
    --same-blobs-as "$TEST_TMP/src1" --src-tag v1
for f in "$TEST_TMP"/src1/blobs/sha256/*; do
  h=$(basename "$f")
  if ! cmp -s "$f" "$TEST_TMP/back1/blobs/sha256/$h"; then
    expect_eq "(a) blob $h identical after round trip" "identical" "differs-or-missing"
  fi
done

# The registry serves exactly the stored bytes and the digest header for each config/layer blob.
bad=""
for f in "$TEST_TMP"/src1/blobs/sha256/*; do
  h=$(basename "$f")
  [[ "sha256:$h" == "$SRC1_DIGEST" ]] && continue
  curl -sS -u "$CREDS" -o "$TEST_TMP/blob.get" -D "$TEST_TMP/blob.hdr" \
    "http://$REG/v2/local/app/blobs/sha256:$h" 2>/dev/null
  cmp -s "$f" "$TEST_TMP/blob.get" || bad+=" $h(body)"
  grep -qi "^docker-content-digest: sha256:$h" "$TEST_TMP/blob.hdr" || bad+=" $h(header)"
done
expect_eq "(a) GET /v2/local/app/blobs/<d> returns the pushed bytes + Docker-Content-Digest" "" "$bad"

# ---------------------------------------------------------------------------------------------
# (b) image index with two platform manifests
python3 "$TOOLS/make-oci-layout.py" "$TEST_TMP/src2" --index --tag v1 --layer-mb 1,1.5,2 >"$TEST_TMP/src2.out"
SRC2_DIGEST=$(field manifest "$TEST_TMP/src2.out")
mapfile -t SRC2_CHILDREN < <(sed -n 's/^child=//p' "$TEST_TMP/src2.out")
check "(b) generated OCI index layout is valid" \
  python3 "$TOOLS/verify-oci-layout.py" "$TEST_TMP/src2" --tag v1 --expect-manifest "$SRC2_DIGEST"

check "(b) skopeo copy --multi-arch all oci: index -> docker://$REG/local/multi:v1" \
  sk copy --multi-arch all --preserve-digests --dest-tls-verify=false --dest-creds "$CREDS" \
    --digestfile "$TEST_TMP/push2.digest" "oci:$TEST_TMP/src2:v1" "docker://$REG/local/multi:v1"
expect_eq "(b) pushed index digest equals the layout's" "$SRC2_DIGEST" "$(cat "$TEST_TMP/push2.digest" 2>/dev/null)"

sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/multi:v1" >"$TEST_TMP/multi.raw" 2>"$TEST_TMP/multi.err"
expect_eq "(b) inspect --raw of the index hashes to its digest" "$SRC2_DIGEST" "$(sha256_of "$TEST_TMP/multi.raw")"
expect_eq "(b) index media type" "application/vnd.oci.image.index.v1+json" "$(jq -r .mediaType "$TEST_TMP/multi.raw" 2>/dev/null)"
expect_eq "(b) index lists two platforms" "amd64,arm64" \
  "$(jq -r '[.manifests[].platform.architecture] | sort | join(",")' "$TEST_TMP/multi.raw" 2>/dev/null)"
for c in "${SRC2_CHILDREN[@]}"; do
  sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/multi@$c" >"$TEST_TMP/child.raw" 2>/dev/null
  expect_eq "(b) child manifest $c served by digest, byte-identical" "$c" "$(sha256_of "$TEST_TMP/child.raw")"
done
sk inspect --tls-verify=false --creds "$CREDS" --override-arch arm64 "docker://$REG/local/multi:v1" >"$TEST_TMP/arm.json" 2>/dev/null
expect_eq "(b) inspect --override-arch arm64 resolves the arm64 image" "arm64" "$(jq -r .Architecture "$TEST_TMP/arm.json" 2>/dev/null)"

check "(b) skopeo copy --multi-arch all docker://$REG/local/multi:v1 -> new oci: layout" \
  sk copy --multi-arch all --preserve-digests --src-tls-verify=false --src-creds "$CREDS" \
    "docker://$REG/local/multi:v1" "oci:$TEST_TMP/back2:v1"
check "(b) pulled index layout: same index digest, every manifest and blob byte-identical" \
  python3 "$TOOLS/verify-oci-layout.py" "$TEST_TMP/back2" --tag v1 --expect-manifest "$SRC2_DIGEST" \
    --same-blobs-as "$TEST_TMP/src2" --src-tag v1

# ---------------------------------------------------------------------------------------------
# (c) registry-to-registry copy into another repository of the same registry (cross-repo mount)
check "(c) skopeo copy docker://$REG/local/app:v1 -> docker://$REG/local/other:v1" \
  sk --debug copy --preserve-digests --src-tls-verify=false --src-creds "$CREDS" \
    --dest-tls-verify=false --dest-creds "$CREDS" --digestfile "$TEST_TMP/push3.digest" \
    "docker://$REG/local/app:v1" "docker://$REG/local/other:v1"
cp "$TEST_TMP/check.out" "$TEST_TMP/copy3.log"
expect_eq "(c) copy's manifest digest equals the source's" "$SRC1_DIGEST" "$(cat "$TEST_TMP/push3.digest" 2>/dev/null)"
sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/other:v1" >"$TEST_TMP/other.raw" 2>/dev/null
expect_eq "(c) local/other:v1 serves the same manifest bytes" "$SRC1_DIGEST" "$(sha256_of "$TEST_TMP/other.raw")"
# containers/image asks for a mount (POST /v2/local/other/blobs/uploads/?from=local%2Fapp&mount=D)
# for each layer it knows is in local/app; the registry must honour it (201) so no layer is
# re-uploaded. (It never tries to reuse the config blob: that one is always uploaded.)
nmount=$(grep -c 'POST http://[^ ]*/v2/local/other/blobs/uploads/?from=local%2Fapp&mount=sha256' "$TEST_TMP/copy3.log")
expect_eq "(c) skopeo asked to mount each of the 3 layers from local/app" "3" "$nmount"
nok=$(grep -c 'mount OK' "$TEST_TMP/copy3.log")
expect_eq "(c) every mount succeeded (201)" "3" "$nok"
nup=$(grep -c 'Uploading /v2/local/other/blobs/uploads/' "$TEST_TMP/copy3.log")
expect_eq "(c) only the config blob was uploaded into local/other" "1" "$nup"
for f in "$TEST_TMP"/src1/blobs/sha256/*; do
  h=$(basename "$f")
  code=$(curl -s -o /dev/null -w '%{http_code}' -I -u "$CREDS" "http://$REG/v2/local/other/blobs/sha256:$h")
  [[ "$h" == "${SRC1_DIGEST#sha256:}" ]] && continue
  expect_eq "(c) HEAD local/other blob $h after mount" "200" "$code"
done
check "(c) pull local/other:v1 back byte-identical" \
  sk copy --preserve-digests --src-tls-verify=false --src-creds "$CREDS" \
    "docker://$REG/local/other:v1" "oci:$TEST_TMP/back3:v1"
check "(c) local/other:v1 layout identical to source" \
  python3 "$TOOLS/verify-oci-layout.py" "$TEST_TMP/back3" --tag v1 --expect-manifest "$SRC1_DIGEST" \
    --same-blobs-as "$TEST_TMP/src1" --src-tag v1

# ---------------------------------------------------------------------------------------------
# (d) inspect --raw, list-tags, delete
sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/app:v1" >"$TEST_TMP/app.raw" 2>/dev/null
expect_eq "(d) inspect --raw local/app:v1 hashes to the manifest digest" "$SRC1_DIGEST" "$(sha256_of "$TEST_TMP/app.raw")"
check "(d) inspect --raw bytes equal the layout's manifest blob" \
  cmp "$TEST_TMP/app.raw" "$TEST_TMP/src1/blobs/sha256/${SRC1_DIGEST#sha256:}"
sk inspect --tls-verify=false --creds "$CREDS" "docker://$REG/local/app:v1" >"$TEST_TMP/app.json" 2>/dev/null
expect_eq "(d) inspect reports the digest" "$SRC1_DIGEST" "$(jq -r .Digest "$TEST_TMP/app.json" 2>/dev/null)"
expect_eq "(d) inspect reports 3 layers" "3" "$(jq -r '.Layers | length' "$TEST_TMP/app.json" 2>/dev/null)"

check "(d) tag local/app:v2 (copy by digest)" \
  sk copy --preserve-digests --src-tls-verify=false --src-creds "$CREDS" --dest-tls-verify=false \
    --dest-creds "$CREDS" "docker://$REG/local/app@$SRC1_DIGEST" "docker://$REG/local/app:v2"
sk list-tags --tls-verify=false --creds "$CREDS" "docker://$REG/local/app" >"$TEST_TMP/tags.json" 2>"$TEST_TMP/tags.err"
expect_eq "(d) list-tags local/app" "v1,v2" "$(jq -r '.Tags | join(",")' "$TEST_TMP/tags.json" 2>/dev/null)"
sk list-tags --tls-verify=false --creds "$CREDS" "docker://$REG/local/other" >"$TEST_TMP/tags2.json" 2>/dev/null
expect_eq "(d) list-tags local/other" "v1" "$(jq -r '.Tags | join(",")' "$TEST_TMP/tags2.json" 2>/dev/null)"
if sk list-tags --tls-verify=false --creds "$CREDS" "docker://$REG/local/never-pushed" >"$TEST_TMP/tags3.json" 2>"$TEST_TMP/tags3.err"; then
  expect_eq "(d) list-tags of an unknown repository fails" "failure" "success: $(cat "$TEST_TMP/tags3.json")"
else
  check "(d) list-tags of an unknown repository fails (name unknown)" grep -Eiq 'name unknown|NAME_UNKNOWN|404' "$TEST_TMP/tags3.err"
fi

check "(d) skopeo delete docker://$REG/local/other:v1" \
  sk delete --tls-verify=false --creds "$CREDS" "docker://$REG/local/other:v1"
if sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/other:v1" >/dev/null 2>"$TEST_TMP/del.err"; then
  expect_eq "(d) inspect local/other:v1 after delete fails" "failure" "success"
else
  check "(d) inspect local/other:v1 after delete fails with manifest unknown" \
    grep -Eiq 'manifest unknown|MANIFEST_UNKNOWN|not found|404' "$TEST_TMP/del.err"
fi
if sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/other@$SRC1_DIGEST" >/dev/null 2>&1; then
  expect_eq "(d) inspect local/other@digest after delete fails" "failure" "success"
else
  expect_eq "(d) inspect local/other@digest after delete fails" "failure" "failure"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$CREDS" \
  -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/local/other/manifests/v1")
expect_eq "(d) GET /v2/local/other/manifests/v1 after delete" "404" "$code"
sk list-tags --tls-verify=false --creds "$CREDS" "docker://$REG/local/other" >"$TEST_TMP/tags4.json" 2>/dev/null
expect_eq "(d) local/other has no tags after delete" "" "$(jq -r '.Tags // [] | join(",")' "$TEST_TMP/tags4.json" 2>/dev/null)"
sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/app:v1" >"$TEST_TMP/app2.raw" 2>/dev/null
expect_eq "(d) local/app:v1 (same digest, other repository) survives the delete" "$SRC1_DIGEST" "$(sha256_of "$TEST_TMP/app2.raw")"

# ---------------------------------------------------------------------------------------------
# (e) a second user
BOB_TOKEN=$("$UKC_EMU" user add bob --data-dir "$UKC_DATA" 2>"$TEST_TMP/useradd.err" | tail -1 | tr -d '[:space:]')
BOB_CREDS=$(creds_from_token "$BOB_TOKEN" 2>/dev/null)
check "(e) ukc-emu user add bob prints a token for robot\$bob.users.kraftcloud" \
  bash -c '[[ "$1" == robot\$bob.users.kraftcloud:?* ]]' _ "$BOB_CREDS"

if sk copy --preserve-digests --dest-tls-verify=false --dest-creds "$BOB_CREDS" \
    "oci:$TEST_TMP/src1:v1" "docker://$REG/local/bobwashere:v1" >"$TEST_TMP/e1.log" 2>&1; then
  expect_eq "(e) bob's push to local/bobwashere is refused" "failure" "success"
else
  check "(e) bob's push to local/bobwashere is refused (denied)" denied_in "$TEST_TMP/e1.log"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$CREDS" "http://$REG/v2/local/bobwashere/tags/list")
expect_eq "(e) local/bobwashere does not exist after bob's refused push" "404" "$code"

if sk inspect --raw --tls-verify=false --creds "$BOB_CREDS" "docker://$REG/local/app:v1" >"$TEST_TMP/e2.out" 2>"$TEST_TMP/e2.log"; then
  expect_eq "(e) bob cannot read local/app:v1" "failure" "success"
else
  check "(e) bob cannot read local/app:v1 (denied)" denied_in "$TEST_TMP/e2.log"
fi
if sk copy --src-tls-verify=false --src-creds "$BOB_CREDS" \
    "docker://$REG/local/app:v1" "oci:$TEST_TMP/bobsteal:v1" >"$TEST_TMP/e3.log" 2>&1; then
  expect_eq "(e) bob cannot pull local/app:v1" "failure" "success"
else
  check "(e) bob cannot pull local/app:v1 (denied)" denied_in "$TEST_TMP/e3.log"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$BOB_CREDS" \
  "http://$REG/v2/local/app/blobs/$(jq -r '.layers[0].digest' "$TEST_TMP/app.raw" 2>/dev/null)")
expect_eq "(e) bob GET of a local/app blob" "403" "$code"

check "(e) bob pushes to bob/app:v1" \
  sk copy --preserve-digests --dest-tls-verify=false --dest-creds "$BOB_CREDS" \
    --digestfile "$TEST_TMP/bob.digest" "oci:$TEST_TMP/src1:v1" "docker://$REG/bob/app:v1"
expect_eq "(e) bob/app:v1 digest" "$SRC1_DIGEST" "$(cat "$TEST_TMP/bob.digest" 2>/dev/null)"
check "(e) bob pulls bob/app:v1 back" \
  sk copy --preserve-digests --src-tls-verify=false --src-creds "$BOB_CREDS" \
    "docker://$REG/bob/app:v1" "oci:$TEST_TMP/bobback:v1"
check "(e) bob/app:v1 byte-identical" \
  python3 "$TOOLS/verify-oci-layout.py" "$TEST_TMP/bobback" --tag v1 --expect-manifest "$SRC1_DIGEST" \
    --same-blobs-as "$TEST_TMP/src1" --src-tag v1
if sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/bob/app:v1" >/dev/null 2>"$TEST_TMP/e4.log"; then
  expect_eq "(e) local cannot read bob/app:v1" "failure" "success"
else
  check "(e) local cannot read bob/app:v1 (denied)" denied_in "$TEST_TMP/e4.log"
fi
curl -s -u "$BOB_CREDS" "http://$REG/v2/_catalog" >"$TEST_TMP/bobcat.json"
expect_eq "(e) bob's _catalog lists only bob/app" "bob/app" \
  "$(jq -r '[.repositories[] | select(startswith("official/") | not)] | join(",")' "$TEST_TMP/bobcat.json" 2>/dev/null)"

# On failure, the daemon's 5xx answers and warnings help more than the log's last lines.
if ((FAILED)); then
  echo "--- daemon log: 5xx responses, warnings, errors"
  grep -E ' 5[0-9]{2} [0-9]+us|WARN|ERROR' "$TEST_TMP/daemon.log" | tail -30
fi
ukc_finish
