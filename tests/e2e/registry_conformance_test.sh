#!/usr/bin/env bash
# Port of the OCI distribution-spec v1.1.1 conformance suite (conformance/01_pull_test.go,
# 02_push_test.go, 03_discovery_test.go, 04_management_test.go, setup.go) to curl, run
# against a real `ukc-emu up`, plus the header/format checks real clients rely on.
#
# Each check is named "[end-N] <the suite's g.Specify wording>" so it traces back to the
# spec's endpoint table; checks that are not in the suite are marked "(extra)" and name
# the rule they check (spec text or docs/registry-contract.md).
# Namespaces: local/conformance (OCI_NAMESPACE) and local/crossmount (OCI_CROSSMOUNT_NAMESPACE).
# Settings mirrored from the suite's defaults: all four workflows on,
# OCI_DELETE_MANIFEST_BEFORE_BLOBS=true, OCI_AUTOMATIC_CROSSMOUNT unset.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=registry_helpers.sh
source "$HERE/registry_helpers.sh"

ukc_start_daemon

NS=local/conformance
XNS=local/crossmount
OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
OCI_INDEX=application/vnd.oci.image.index.v1+json
DOCKER_MANIFEST=application/vnd.docker.distribution.manifest.v2+json
DOCKER_LIST=application/vnd.docker.distribution.manifest.list.v2+json
ERROR_CODES='BLOB_UNKNOWN|BLOB_UPLOAD_INVALID|BLOB_UPLOAD_UNKNOWN|DIGEST_INVALID|MANIFEST_BLOB_UNKNOWN|MANIFEST_INVALID|MANIFEST_UNKNOWN|MANIFEST_UNVERIFIED|NAME_INVALID|NAME_UNKNOWN|SIZE_INVALID|TAG_INVALID|UNAUTHORIZED|DENIED|UNSUPPORTED'
NONEXISTENT_MANIFEST=.INVALID_MANIFEST_NAME   # setup.go: nonexistentManifest
TEST_TAG=tagtest0                              # setup.go: testTagName
EMPTY_LAYER_TAG=emptylayer                     # emptyLayerTestTag

FX=$TEST_TMP/fx
python3 "$HERE/registry_conformance_fixtures.py" "$FX" || { echo "fixture generation failed"; exit 1; }
# shellcheck disable=SC1091
source "$FX/fx.env"

skip() { echo "skip - $1 ($2)"; }
is_2xx() { [[ $ST =~ ^2[0-9][0-9]$ ]]; }
section() { echo "# $*"; }

# setup_blob NAME REPO FILE: the suite's "POST then PUT ?digest=" setup step (2xx expected).
setup_blob() {
  local st
  st=$(upload_blob "$2" "$3")
  ST=$st
  expect_status "$1" '2[0-9][0-9]'
}
# delete_ok NAME: teardown steps accept 2xx, 404 (blobs) and 405.
delete_ok() { expect_status "$1" '2[0-9][0-9]|404|405'; }

# ------------------------------------------------------------------------------------------
section "Base API"
http GET /v2/
expect_status "[end-1] GET /v2/ should yield 200" 200
expect_eq "(extra) [end-1] GET /v2/ carries Docker-Distribution-API-Version: registry/2.0" \
  "registry/2.0" "$(hdr Docker-Distribution-API-Version)"
expect_eq "(extra) [end-1] GET /v2/ body is {}" "{}" "$(jq -c . "$RB" 2>/dev/null)"

# ------------------------------------------------------------------------------------------
section "Pull: Setup"
setup_blob "Pull Setup: Populate registry with test blob (config[0])" "$NS" "$FX_CONFIG0_FILE"
setup_blob "Pull Setup: Populate registry with test blob (config[1])" "$NS" "$FX_CONFIG1_FILE"
setup_blob "Pull Setup: Populate registry with test layer" "$NS" "$FX_LAYER_FILE"
http PUT "/v2/$NS/manifests/$TEST_TAG" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$FX_MANIFEST0_FILE"
expect_status "Pull Setup: Populate registry with test manifest (manifest[0] by tag)" '2[0-9][0-9]'
http PUT "/v2/$NS/manifests/$FX_MANIFEST1_DIGEST" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$FX_MANIFEST1_FILE"
expect_status "Pull Setup: Populate registry with test manifest (manifest[1] by digest)" '2[0-9][0-9]'

section "Pull: Pull blobs"
http HEAD "/v2/$NS/blobs/$FX_DUMMY_DIGEST"
expect_status "[end-2] HEAD request to nonexistent blob should result in 404 response" 404
http HEAD "/v2/$NS/blobs/$FX_CONFIG0_DIGEST"
expect_status "[end-2] HEAD request to existing blob should yield 200" 200
expect_eq "[end-2] HEAD existing blob: Docker-Content-Digest equals the blob digest" "$FX_CONFIG0_DIGEST" "$(hdr Docker-Content-Digest)"
expect_eq "(extra) [end-2] HEAD existing blob: Content-Length is the blob size" "$FX_CONFIG0_SIZE" "$(hdr Content-Length)"
expect_eq "(extra) [end-2] HEAD existing blob: Content-Type application/octet-stream" "application/octet-stream" "$(hdr Content-Type)"
http GET "/v2/$NS/blobs/$FX_DUMMY_DIGEST"
expect_status "[end-2] GET nonexistent blob should result in 404 response" 404
expect_error "(extra) [end-2] GET nonexistent blob: error code BLOB_UNKNOWN" 404 BLOB_UNKNOWN
http GET "/v2/$NS/blobs/$FX_CONFIG0_DIGEST"
expect_status "[end-2] GET request to existing blob URL should yield 200" 200
check "(extra) [end-2] GET existing blob returns the uploaded bytes" cmp "$RB" "$FX_CONFIG0_FILE"
expect_eq "(extra) [end-2] GET existing blob: Docker-Content-Digest" "$FX_CONFIG0_DIGEST" "$(hdr Docker-Content-Digest)"
expect_eq "(extra) [end-2] GET existing blob: Content-Length" "$FX_CONFIG0_SIZE" "$(hdr Content-Length)"

section "Pull: Pull manifests"
http HEAD "/v2/$NS/manifests/$NONEXISTENT_MANIFEST"
expect_status "[end-3] HEAD request to nonexistent manifest should return 404" 404
http HEAD "/v2/$NS/manifests/$FX_MANIFEST0_DIGEST" -H "Accept: $OCI_MANIFEST"
expect_status "[end-3] HEAD request to manifest[0] path (digest) should yield 200 response" 200
expect_eq "[end-3] HEAD manifest[0] (digest): Docker-Content-Digest" "$FX_MANIFEST0_DIGEST" "$(hdr Docker-Content-Digest)"
expect_eq "(extra) [end-3] HEAD manifest[0]: Content-Type is the pushed media type" "$OCI_MANIFEST" "$(hdr Content-Type)"
expect_eq "(extra) [end-3] HEAD manifest[0]: Content-Length is the manifest size" "$FX_MANIFEST0_SIZE" "$(hdr Content-Length)"
http HEAD "/v2/$NS/manifests/$FX_MANIFEST1_DIGEST" -H "Accept: $OCI_MANIFEST"
expect_status "[end-3] HEAD request to manifest[1] path (digest) should yield 200 response" 200
expect_eq "[end-3] HEAD manifest[1] (digest): Docker-Content-Digest" "$FX_MANIFEST1_DIGEST" "$(hdr Docker-Content-Digest)"
http HEAD "/v2/$NS/manifests/$TEST_TAG" -H "Accept: $OCI_MANIFEST"
expect_status "[end-3] HEAD request to manifest path (tag) should yield 200 response" 200
expect_eq "[end-3] HEAD manifest (tag): Docker-Content-Digest is manifest[0]'s" "$FX_MANIFEST0_DIGEST" "$(hdr Docker-Content-Digest)"
http GET "/v2/$NS/manifests/$NONEXISTENT_MANIFEST"
expect_status "[end-3] GET nonexistent manifest should return 404" 404
http GET "/v2/$NS/manifests/$FX_MANIFEST0_DIGEST" -H "Accept: $OCI_MANIFEST"
expect_status "[end-3] GET request to manifest[0] path (digest) should yield 200 response" 200
check "(extra) [end-3] GET manifest[0] returns the pushed bytes verbatim" cmp "$RB" "$FX_MANIFEST0_FILE"
expect_eq "(extra) [end-3] GET manifest[0]: Content-Type" "$OCI_MANIFEST" "$(hdr Content-Type)"
expect_eq "(extra) [end-3] GET manifest[0]: Docker-Content-Digest" "$FX_MANIFEST0_DIGEST" "$(hdr Docker-Content-Digest)"
expect_eq "(extra) [end-3] GET manifest[0]: Content-Length" "$FX_MANIFEST0_SIZE" "$(hdr Content-Length)"
http GET "/v2/$NS/manifests/$FX_MANIFEST1_DIGEST" -H "Accept: $OCI_MANIFEST"
expect_status "[end-3] GET request to manifest[1] path (digest) should yield 200 response" 200
check "(extra) [end-3] GET manifest[1] returns the pushed bytes verbatim" cmp "$RB" "$FX_MANIFEST1_FILE"
http GET "/v2/$NS/manifests/$TEST_TAG" -H "Accept: $OCI_MANIFEST"
expect_status "[end-3] GET request to manifest path (tag) should yield 200 response" 200
check "(extra) [end-3] GET manifest by tag returns manifest[0]'s bytes" cmp "$RB" "$FX_MANIFEST0_FILE"

section "Pull: Error codes"
printf 'blablabla' >"$TEST_TMP/invalid_manifest"
http GET "/v2/$NS/manifests/sha256:totallywrong" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$TEST_TMP/invalid_manifest"
expect_status "[end-3] 400 response body should contain OCI-conforming JSON message (status 400 or 404)" '400|404'
if [[ $ST == 400 ]]; then
  expect_match "[end-3] 400 response body should contain OCI-conforming JSON message (errors[0].code is a spec code)" \
    "^($ERROR_CODES)$" "$(errcode)"
  check "(extra) error body has code, message and detail members" \
    jq -e '.errors[0] | has("code") and has("message") and has("detail")' "$RB"
fi
expect_error "(extra) contract: malformed digest reference on a manifest endpoint -> 400 DIGEST_INVALID" 400 DIGEST_INVALID

section "Pull: Teardown"
http DELETE "/v2/$NS/manifests/$FX_MANIFEST0_DIGEST"
delete_ok "Pull Teardown: Delete manifest[0] created in setup"
http DELETE "/v2/$NS/manifests/$FX_MANIFEST1_DIGEST"
delete_ok "Pull Teardown: Delete manifest[1] created in setup"
http DELETE "/v2/$NS/blobs/$FX_CONFIG0_DIGEST"
delete_ok "Pull Teardown: Delete config[0] blob created in setup"
http DELETE "/v2/$NS/blobs/$FX_CONFIG1_DIGEST"
delete_ok "Pull Teardown: Delete config[1] blob created in setup"
http DELETE "/v2/$NS/blobs/$FX_LAYER_DIGEST"
delete_ok "Pull Teardown: Delete layer blob created in setup"

# ------------------------------------------------------------------------------------------
section "Push: Blob Upload Streamed"
http POST "/v2/$NS/blobs/uploads/" --data-binary ''
LOC=$(hdr Location)
expect_status "(extra) [end-4a] POST /blobs/uploads/ yields 202" 202
check "[end-4a] POST /blobs/uploads/ returns a Location" test -n "$LOC"
expect_match "(extra) [end-4a] POST Location is /v2/<name>/blobs/uploads/<uuid>" "^(http://[^/]+)?/v2/$NS/blobs/uploads/[^/?]+" "$LOC"
UUID=$(hdr Docker-Upload-UUID)
check "(extra) [end-4a] POST returns Docker-Upload-UUID" test -n "$UUID"
check "(extra) [end-4a] Location names the Docker-Upload-UUID" grep -qF -- "$UUID" <<<"$LOC"
expect_eq "(extra) [end-4a] POST returns Range: 0-0" "0-0" "$(hdr Range)"
http PATCH "$(loc_url "$LOC")" -H 'Content-Type: application/octet-stream' --data-binary "@$FX_BLOBA_FILE"
expect_status "[end-5] PATCH request with blob in body should yield 202 response" 202
check "(extra) [end-5] PATCH returns a Location" test -n "$(hdr Location)"
LAST_LOC=$(next_loc "$LOC")
expect_eq "(extra) [end-5] PATCH returns Range: 0-<size-1>" "0-$((FX_BLOBA_SIZE - 1))" "$(hdr Range)"
http PUT "$(add_query "$(loc_url "$LAST_LOC")" "digest=$FX_BLOBA_DIGEST")" \
  -H 'Content-Type: application/octet-stream' --data-binary ''
expect_status "[end-6] PUT request to session URL with digest should yield 201 response" 201
check "[end-6] PUT to session URL returns a Location" test -n "$(hdr Location)"
expect_eq "(extra) [end-6] PUT Location is /v2/<name>/blobs/<digest>" "/v2/$NS/blobs/$FX_BLOBA_DIGEST" "$(rel_path "$(hdr Location)")"
expect_eq "(extra) [end-6] PUT returns Docker-Content-Digest" "$FX_BLOBA_DIGEST" "$(hdr Docker-Content-Digest)"
http GET "/v2/$NS/blobs/$FX_BLOBA_DIGEST"
check "(extra) [end-2] streamed blob reads back byte-identical" cmp "$RB" "$FX_BLOBA_FILE"

section "Push: Blob Upload Monolithic"
http GET "/v2/$NS/blobs/$FX_DUMMY_DIGEST"
expect_status "[end-2] GET nonexistent blob should result in 404 response" 404
http POST "/v2/$NS/blobs/uploads/?digest=$FX_CONFIG1_DIGEST" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$FX_CONFIG1_FILE"
MONO_ST=$ST
check "[end-4b] POST request with digest and blob should yield a 201 or 202 (Location set)" test -n "$(hdr Location)"
expect_status "[end-4b] POST request with digest and blob should yield a 201 or 202" '201|202'
expect_status "(extra) contract: POST ?digest= with a body is a monolithic upload -> 201" 201
expect_eq "(extra) [end-4b] monolithic POST Location is /v2/<name>/blobs/<digest>" "/v2/$NS/blobs/$FX_CONFIG1_DIGEST" "$(rel_path "$(hdr Location)")"
http GET "/v2/$NS/blobs/$FX_CONFIG1_DIGEST"
if [[ $MONO_ST == 202 ]]; then
  expect_status "[end-2] GET request to blob URL from prior request should yield 200 or 404 based on response code" 404
else
  expect_status "[end-2] GET request to blob URL from prior request should yield 200 or 404 based on response code" 200
fi
http POST "/v2/$NS/blobs/uploads/" --data-binary ''
expect_status "[end-4a] POST request should yield a session ID" 202
check "(extra) [end-4a] session POST: Docker-Upload-UUID set" test -n "$(hdr Docker-Upload-UUID)"
LOC=$(hdr Location)
http PUT "$(add_query "$(loc_url "$LOC")" "digest=$FX_CONFIG1_DIGEST")" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$FX_CONFIG1_FILE"
check "[end-6] PUT upload of a blob should yield a 201 Response (Location set)" test -n "$(hdr Location)"
expect_status "[end-6] PUT upload of a blob should yield a 201 Response" 201
http GET "/v2/$NS/blobs/$FX_CONFIG1_DIGEST"
expect_status "[end-2] GET request to existing blob should yield 200 response" 200
http POST "/v2/$NS/blobs/uploads/" --data-binary ''
LOC=$(hdr Location)
http PUT "$(add_query "$(loc_url "$LOC")" "digest=$FX_LAYER_DIGEST")" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$FX_LAYER_FILE"
check "[end-6] PUT upload of a layer blob should yield a 201 Response (Location set)" test -n "$(hdr Location)"
expect_status "[end-6] PUT upload of a layer blob should yield a 201 Response" 201
http GET "/v2/$NS/blobs/$FX_LAYER_DIGEST"
expect_status "[end-2] GET request to existing layer should yield 200 response" 200
check "(extra) layer reads back byte-identical" cmp "$RB" "$FX_LAYER_FILE"

section "Push: Blob Upload Chunked"
http POST "/v2/$NS/blobs/uploads/" -H 'Content-Length: 0'
LOC=$(hdr Location)
check "[end-4a] Out-of-order blob upload: POST returns a Location" test -n "$LOC"
http PATCH "$(loc_url "$LOC")" -H 'Content-Type: application/octet-stream' \
  -H "Content-Range: $FX_BLOBB_CHUNK2_RANGE" --data-binary "@$FX_BLOBB_CHUNK2_FILE"
expect_status "[end-5] Out-of-order blob upload should return 416" 416

http POST "/v2/$NS/blobs/uploads/" -H 'Content-Length: 0'
PREV_LOC=$(hdr Location)
check "[end-4a] PATCH request with first chunk: POST returns a Location" test -n "$PREV_LOC"
http PATCH "$(loc_url "$PREV_LOC")" -H 'Content-Type: application/octet-stream' \
  -H "Content-Range: $FX_BLOBB_CHUNK1_RANGE" --data-binary "@$FX_BLOBB_CHUNK1_FILE"
expect_status "[end-5] PATCH request with first chunk should return 202" 202
expect_eq "[end-5] PATCH first chunk: Range header is the first chunk's range" "$FX_BLOBB_CHUNK1_RANGE" "$(hdr Range)"
check "(extra) [end-5] PATCH first chunk: Docker-Upload-UUID set" test -n "$(hdr Docker-Upload-UUID)"
http PATCH "$(loc_url "$PREV_LOC")" -H 'Content-Type: application/octet-stream' \
  -H "Content-Range: $FX_BLOBB_CHUNK1_RANGE" --data-binary "@$FX_BLOBB_CHUNK1_FILE"
expect_status "[end-5] Retry previous blob chunk should return 416" 416
expect_eq "(extra) contract: 416 on PATCH carries Range of what is stored" "$FX_BLOBB_CHUNK1_RANGE" "$(hdr Range)"
http GET "$(loc_url "$PREV_LOC")"
expect_status "[end-13] Get on stale blob upload should return 204 with a range and location" 204
check "[end-13] Get on stale blob upload: Location set" test -n "$(hdr Location)"
LAST_LOC=$(next_loc "$PREV_LOC")
expect_eq "[end-13] Get on stale blob upload: Range is the first chunk's range" "$FX_BLOBB_CHUNK1_RANGE" "$(hdr Range)"
http PATCH "$(loc_url "$LAST_LOC")" -H "Content-Range: $FX_BLOBB_CHUNK2_RANGE" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$FX_BLOBB_CHUNK2_FILE"
expect_status "[end-5] PATCH request with second chunk should return 202" 202
expect_eq "[end-5] PATCH second chunk: Range is 0-<len-1>" "0-$((FX_BLOBB_SIZE - 1))" "$(hdr Range)"
check "[end-5] PATCH second chunk: Location set" test -n "$(hdr Location)"
LAST_LOC=$(next_loc "$LAST_LOC")
http PUT "$(add_query "$(loc_url "$LAST_LOC")" "digest=$FX_BLOBB_DIGEST")" -H 'Content-Length: 0' \
  -H 'Content-Type: application/octet-stream' --data-binary ''
expect_status "[end-6] PUT request with digest should return 201" 201
check "[end-6] PUT request with digest: Location set" test -n "$(hdr Location)"
http GET "/v2/$NS/blobs/$FX_BLOBB_DIGEST"
check "(extra) chunked blob reads back byte-identical" cmp "$RB" "$FX_BLOBB_FILE"
# pre-v1.1 suite: final chunk carried by the PUT itself
http POST "/v2/$NS/blobs/uploads/" -H 'Content-Length: 0'
LOC=$(hdr Location)
http PATCH "$(loc_url "$LOC")" -H 'Content-Type: application/octet-stream' \
  -H "Content-Range: $FX_BLOBB_CHUNK1_RANGE" --data-binary "@$FX_BLOBB_CHUNK1_FILE"
LOC=$(next_loc "$LOC")
http PUT "$(add_query "$(loc_url "$LOC")" "digest=$FX_BLOBB_DIGEST")" -H 'Content-Type: application/octet-stream' \
  -H "Content-Range: $FX_BLOBB_CHUNK2_RANGE" --data-binary "@$FX_BLOBB_CHUNK2_FILE"
expect_status "(extra) [end-6] PUT request with final chunk should return 201 (v1.0 suite)" 201
# upload session cancel (DELETE <location>) per contract
http POST "/v2/$NS/blobs/uploads/" --data-binary ''
LOC=$(hdr Location)
http DELETE "$(loc_url "$LOC")"
expect_status "(extra) contract: DELETE <upload location> -> 204" 204
http GET "$(loc_url "$LOC")"
expect_error "(extra) contract: GET cancelled upload -> 404 BLOB_UPLOAD_UNKNOWN" 404 BLOB_UPLOAD_UNKNOWN

section "Push: Cross-Repository Blob Mount"
http POST "/v2/$XNS/blobs/uploads/?mount=$FX_DUMMY_DIGEST" --data-binary ''
expect_status "[end-11] Cross-mounting of a blob without the from argument should yield session id" 202
check "[end-11] Cross-mounting without from: Location set" test -n "$(hdr Location)"
http POST "/v2/$XNS/blobs/uploads/?mount=$FX_BLOBA_DIGEST&from=$NS" --data-binary ''
MOUNT_ST=$ST
MOUNT_LOC=$(hdr Location)
expect_status "[end-11] POST request to mount another repository's blob should return 201 or 202" '201|202'
expect_status "(extra) contract: mount from a readable repository holding the blob -> 201" 201
if [[ $MOUNT_ST == 201 ]]; then
  expect_eq "[end-11] GET request to test digest within cross-mount namespace should return 200 (Location)" \
    "/v2/$XNS/blobs/$FX_BLOBA_DIGEST" "$(rel_path "$MOUNT_LOC")"
  http GET "$(loc_url "$MOUNT_LOC")"
  expect_status "[end-11] GET request to test digest within cross-mount namespace should return 200" 200
  check "(extra) mounted blob reads back byte-identical" cmp "$RB" "$FX_BLOBA_FILE"
  skip "[end-11] Cross-mounting of nonexistent blob should yield session id" "RunOnlyIf(last status == 202)"
else
  skip "[end-11] GET request to test digest within cross-mount namespace should return 200" "RunOnlyIf(last status == 201)"
  expect_match "[end-11] Cross-mounting of nonexistent blob should yield session id" "^/v2/$XNS/blobs/uploads/" "$(rel_path "$MOUNT_LOC")"
fi
skip "[end-11] Cross-mounting without from, and automatic content discovery enabled should return a 201" "OCI_AUTOMATIC_CROSSMOUNT unset"
skip "[end-11] Cross-mounting without from, and automatic content discovery disabled should return a 202" "OCI_AUTOMATIC_CROSSMOUNT unset"
# The brief's mount matrix: from + nonexistent blob, no from + existing blob.
http POST "/v2/$XNS/blobs/uploads/?mount=$FX_DUMMY_DIGEST&from=$NS" --data-binary ''
expect_status "(extra) [end-11] Cross-mounting of nonexistent blob (with from) should yield session id" 202
expect_match "(extra) [end-11] nonexistent-blob mount: Location is a session in the target repository" \
  "^/v2/$XNS/blobs/uploads/[^/]+" "$(rel_path "$(hdr Location)")"
http HEAD "/v2/$XNS/blobs/$FX_DUMMY_DIGEST"
expect_status "(extra) nonexistent-blob mount does not create the blob" 404
http HEAD "/v2/$XNS/blobs/$FX_LAYER_DIGEST"
expect_status "(extra) contract: a blob is visible in a repository only after upload/mount there" 404
http POST "/v2/$XNS/blobs/uploads/?mount=$FX_LAYER_DIGEST" --data-binary ''
NOFROM_ST=$ST
expect_status "(extra) [end-11] mount of an existing blob without from -> 201 (automatic discovery) or 202 session" '201|202'
http HEAD "/v2/$XNS/blobs/$FX_LAYER_DIGEST"
if [[ $NOFROM_ST == 201 ]]; then
  expect_status "(extra) mount without from answered 201: blob now in the target repository" 200
else
  expect_status "(extra) mount without from answered 202: blob not mounted" 404
fi

section "Push: Manifest Upload"
http GET "/v2/$NS/manifests/$NONEXISTENT_MANIFEST"
expect_status "[end-3] GET nonexistent manifest should return 404" 404
all_ok=1
for i in 0 1 2 3; do
  http PUT "/v2/$NS/manifests/test$i" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$FX_MANIFEST1_FILE"
  expect_status "[end-7] PUT should accept a manifest upload (tag test$i)" 201
  check "[end-7] PUT should accept a manifest upload (tag test$i): Location set" test -n "$(hdr Location)"
  [[ $(hdr Docker-Content-Digest) == "$FX_MANIFEST1_DIGEST" ]] || all_ok=0
done
expect_eq "(extra) [end-7] manifest PUT returns Docker-Content-Digest of the body" 1 "$all_ok"
expect_eq "(extra) [end-7] manifest PUT Location is /v2/<name>/manifests/<digest>" \
  "/v2/$NS/manifests/$FX_MANIFEST1_DIGEST" "$(rel_path "$(hdr Location)")"
http PUT "/v2/$NS/manifests/$EMPTY_LAYER_TAG" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$FX_EMPTYLAYER_MANIFEST_FILE"
expect_status "[end-7] Registry should accept a manifest upload with no layers" 201
check "[end-7] Registry should accept a manifest upload with no layers: Location set" test -n "$(hdr Location)"
http GET "/v2/$NS/manifests/$FX_MANIFEST1_DIGEST" -H "Accept: $OCI_MANIFEST"
expect_status "[end-3] GET request to manifest URL (digest) should yield 200 response" 200
http GET "/v2/$NS/manifests/$EMPTY_LAYER_TAG" -H "Accept: $OCI_MANIFEST"
check "(extra) no-layer manifest reads back byte-identical" cmp "$RB" "$FX_EMPTYLAYER_MANIFEST_FILE"

section "Push: Teardown"
http DELETE "/v2/$NS/manifests/$FX_MANIFEST1_DIGEST"
delete_ok "Push Teardown: Delete manifest created in tests"
http DELETE "/v2/$NS/manifests/$FX_EMPTYLAYER_MANIFEST_DIGEST"
delete_ok "Push Teardown: Delete no-layer manifest created in tests"
http DELETE "/v2/$NS/blobs/$FX_CONFIG1_DIGEST"
delete_ok "Push Teardown: Delete config blob created in tests"
http DELETE "/v2/$NS/blobs/$FX_LAYER_DIGEST"
delete_ok "Push Teardown: Delete layer blob created in setup"

# ------------------------------------------------------------------------------------------
section "Content Discovery: Setup"
setup_blob "Discovery Setup: Populate registry with test blob (config[2])" "$NS" "$FX_CONFIG2_FILE"
setup_blob "Discovery Setup: Populate registry with test layer" "$NS" "$FX_LAYER_FILE"
for i in 0 1 2 3; do
  http PUT "/v2/$NS/manifests/test$i" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$FX_MANIFEST2_FILE"
  expect_status "Discovery Setup: Populate registry with test tags (test$i)" '2[0-9][0-9]'
done
# References setup
setup_blob "References setup: empty JSON blob" "$NS" "$FX_EMPTYJSON_FILE"
setup_blob "References setup: reference blob A (before the subject is pushed)" "$NS" "$FX_REFBLOBA_FILE"
ref_put() { # NAME FILE DIGEST MEDIATYPE EXPECTED_SUBJECT
  http PUT "/v2/$NS/manifests/$3" -H "Content-Type: $4" --data-binary "@$2"
  expect_status "References setup: $1" '2[0-9][0-9]'
  expect_eq "References setup: $1 returns OCI-Subject" "$5" "$(hdr OCI-Subject)"
}
ref_put "references manifest A (config.mediaType = artifactType)" "$FX_REFS_A_CONFIG_FILE" "$FX_REFS_A_CONFIG_DIGEST" "$OCI_MANIFEST" "$FX_MANIFEST4_DIGEST"
ref_put "references manifest A (artifactType, config = empty JSON)" "$FX_REFS_A_LAYER_FILE" "$FX_REFS_A_LAYER_DIGEST" "$OCI_MANIFEST" "$FX_MANIFEST4_DIGEST"
ref_put "references index" "$FX_REFS_INDEX_FILE" "$FX_REFS_INDEX_DIGEST" "$OCI_INDEX" "$FX_MANIFEST4_DIGEST"
setup_blob "References setup: test blob (config[4])" "$NS" "$FX_CONFIG4_FILE"
setup_blob "References setup: test layer" "$NS" "$FX_LAYER_FILE"
http PUT "/v2/$NS/manifests/$TEST_TAG" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$FX_MANIFEST4_FILE"
expect_status "References setup: test manifest (manifest[4], the subject)" '2[0-9][0-9]'
setup_blob "References setup: reference blob B (after the subject is pushed)" "$NS" "$FX_REFBLOBB_FILE"
ref_put "references manifest B (config.mediaType = artifactType)" "$FX_REFS_B_CONFIG_FILE" "$FX_REFS_B_CONFIG_DIGEST" "$OCI_MANIFEST" "$FX_MANIFEST4_DIGEST"
ref_put "references manifest B (artifactType, config = empty JSON)" "$FX_REFS_B_LAYER_FILE" "$FX_REFS_B_LAYER_DIGEST" "$OCI_MANIFEST" "$FX_MANIFEST4_DIGEST"
ref_put "references manifest C to a non-existent subject (manifest[3])" "$FX_REFS_C_LAYER_FILE" "$FX_REFS_C_LAYER_DIGEST" "$OCI_MANIFEST" "$FX_MANIFEST3_DIGEST"

section "Content Discovery: listing tags"
http GET "/v2/$NS/tags/list"
expect_status "[end-8a] GET request to list tags should yield 200 response" 200
mapfile -t TAGS < <(jq -r '.tags[]?' "$RB")
NUM_TAGS=${#TAGS[@]}
expect_eq "(extra) [end-8a] tags list name is the repository" "$NS" "$(jq -r .name "$RB")"
expect_eq "(extra) [end-8a] tags list holds test0..test3 and $TEST_TAG" "tagtest0 test0 test1 test2 test3" \
  "$(printf '%s\n' "${TAGS[@]}" | sort | xargs)"
expect_eq "(extra) [end-8a] tags list is sorted (lexical)" "$(printf '%s\n' "${TAGS[@]}" | LC_ALL=C sort | xargs)" "${TAGS[*]}"
NUM_RESULTS=$((NUM_TAGS / 2))
http GET "/v2/$NS/tags/list?n=$NUM_RESULTS"
expect_status "[end-8b] GET number of tags should be limitable by \`n\` query parameter (200)" 200
mapfile -t PAGE < <(jq -r '.tags[]?' "$RB")
expect_eq "[end-8b] GET number of tags should be limitable by \`n\` query parameter" "$NUM_RESULTS" "${#PAGE[@]}"
LAST=${PAGE[$((NUM_RESULTS - 1))]:-}
expect_eq "(extra) [end-8b] n-limited page has Link to the next page" \
  "</v2/$NS/tags/list?n=$NUM_RESULTS&last=$LAST>; rel=\"next\"" "$(hdr Link)"
http GET "/v2/$NS/tags/list?n=$NUM_RESULTS&last=$LAST"
expect_status "[end-8b] GET start of tag is set by \`last\` query parameter (200)" 200
mapfile -t PAGE2 < <(jq -r '.tags[]?' "$RB")
check "[end-8b] GET start of tag is set by \`last\` query parameter (at most n results)" test "${#PAGE2[@]}" -le "$NUM_RESULTS"
check "[end-8b] GET start of tag is set by \`last\` query parameter (last not included)" \
  bash -c '! printf "%s\n" "${@:2}" | grep -qxF -- "$1"' _ "$LAST" "${PAGE2[@]}"
expect_eq "[end-8b] tags after \`last\` continue the sorted order (sort order check, a24ca81)" \
  "$(printf '%s\n' "${TAGS[@]}" | LC_ALL=C sort | awk -v l="$LAST" '$0 > l' | head -n "$NUM_RESULTS" | xargs)" "${PAGE2[*]}"

section "Content Discovery: listing references"
http GET "/v2/$NS/referrers/$FX_DUMMY_DIGEST"
expect_status "[end-12a] GET request to nonexistent blob should result in empty 200 response" 200
expect_eq "[end-12a] referrers of a nonexistent digest: Content-Type is the OCI index type" "$OCI_INDEX" "$(hdr Content-Type)"
expect_eq "[end-12a] referrers of a nonexistent digest: no manifests" 0 "$(jq '.manifests | length' "$RB" 2>/dev/null)"
check "(extra) [end-12a] referrers response is an OCI index (schemaVersion 2, mediaType)" \
  jq -e --arg t "$OCI_INDEX" '.schemaVersion == 2 and .mediaType == $t' "$RB"

http GET "/v2/$NS/referrers/$FX_MANIFEST4_DIGEST"
expect_status "[end-12a] GET request to existing blob should yield 200" 200
expect_eq "[end-12a] referrers: Content-Type is the OCI index type" "$OCI_INDEX" "$(hdr Content-Type)"
expect_eq "[end-12a] referrers of the subject: 5 manifests" 5 "$(jq '.manifests | length' "$RB" 2>/dev/null)"
check "[end-12a] referrers: manifests[0].digest != manifests[1].digest" jq -e '.manifests[0].digest != .manifests[1].digest' "$RB"
check "[end-12a] referrers: each descriptor carries exactly its manifest's annotation" \
  jq -e --slurpfile ann "$FX_ANNOTATIONS_FILE" --arg k "$FX_ANNOTATION_KEY" \
  'all(.manifests[]; (.annotations | length) == 1 and .annotations[$k] == $ann[0][.digest])' "$RB"
check "(extra) [end-12a] referrers: artifactType = manifest artifactType, else config.mediaType" \
  jq -e --arg a "$FX_ARTIFACT_TYPE_A" --arg b "$FX_ARTIFACT_TYPE_B" \
  --arg ac "$FX_REFS_A_CONFIG_DIGEST" --arg al "$FX_REFS_A_LAYER_DIGEST" --arg bc "$FX_REFS_B_CONFIG_DIGEST" \
  --arg bl "$FX_REFS_B_LAYER_DIGEST" --arg ix "$FX_REFS_INDEX_DIGEST" \
  '(.manifests | map({(.digest): .artifactType}) | add) as $m
   | $m[$ac] == $a and $m[$al] == $a and $m[$bc] == $b and $m[$bl] == $b and $m[$ix] == "application/vnd.food.stand"' "$RB"
check "(extra) [end-12a] referrers: descriptor size and mediaType match the pushed manifests" \
  jq -e --arg ac "$FX_REFS_A_CONFIG_DIGEST" --argjson acs "$FX_REFS_A_CONFIG_SIZE" --arg ix "$FX_REFS_INDEX_DIGEST" \
  --argjson ixs "$FX_REFS_INDEX_SIZE" \
  '(.manifests | map({(.digest): .}) | add) as $m
   | $m[$ac].size == $acs and $m[$ac].mediaType == "application/vnd.oci.image.manifest.v1+json"
     and $m[$ix].size == $ixs and $m[$ix].mediaType == "application/vnd.oci.image.index.v1+json"' "$RB"

http GET "/v2/$NS/referrers/$FX_MANIFEST4_DIGEST?artifactType=$FX_ARTIFACT_TYPE_A"
expect_status "[end-12b] GET request to existing blob with filter should yield 200" 200
expect_eq "[end-12b] filtered referrers: Content-Type is the OCI index type" "$OCI_INDEX" "$(hdr Content-Type)"
expect_eq "[end-12b] filtered referrers: OCI-Filters-Applied: artifactType" "artifactType" "$(hdr OCI-Filters-Applied)"
expect_eq "[end-12b] filtered referrers: the 2 manifests of artifactType A" \
  "$(printf '%s\n' "$FX_REFS_A_CONFIG_DIGEST" "$FX_REFS_A_LAYER_DIGEST" | sort | xargs)" \
  "$(jq -r '.manifests[].digest' "$RB" 2>/dev/null | sort | xargs)"
check "[end-12b] filtered referrers: each descriptor carries its annotation" \
  jq -e --slurpfile ann "$FX_ANNOTATIONS_FILE" --arg k "$FX_ANNOTATION_KEY" \
  'all(.manifests[]; (.annotations | length) == 1 and .annotations[$k] == $ann[0][.digest])' "$RB"

http GET "/v2/$NS/referrers/$FX_MANIFEST3_DIGEST"
expect_status "[end-12a] GET request to missing manifest should yield 200" 200
expect_eq "[end-12a] referrers of a missing manifest: Content-Type" "$OCI_INDEX" "$(hdr Content-Type)"
expect_eq "[end-12a] referrers of a missing manifest: the one dangling referrer (C)" \
  "$FX_REFS_C_LAYER_DIGEST" "$(jq -r '[.manifests[].digest] | join(" ")' "$RB" 2>/dev/null)"
http GET "/v2/$NS/referrers/sha256:nothex"
expect_status "(extra) contract: referrers with a malformed digest -> 400" 400

section "Content Discovery: Teardown"
for d in "$FX_REFS_INDEX_DIGEST" "$FX_MANIFEST2_DIGEST" "$FX_REFS_A_CONFIG_DIGEST" "$FX_REFS_A_LAYER_DIGEST" \
  "$FX_REFS_B_CONFIG_DIGEST" "$FX_REFS_B_LAYER_DIGEST" "$FX_REFS_C_LAYER_DIGEST" "$FX_MANIFEST4_DIGEST"; do
  http DELETE "/v2/$NS/manifests/$d"
  delete_ok "Discovery Teardown: Delete created manifest & associated tags (${d:7:12})"
done
for d in "$FX_CONFIG2_DIGEST" "$FX_CONFIG4_DIGEST" "$FX_LAYER_DIGEST" "$FX_REFBLOBA_DIGEST" \
  "$FX_REFBLOBB_DIGEST" "$FX_EMPTYJSON_DIGEST"; do
  http DELETE "/v2/$NS/blobs/$d"
  delete_ok "Discovery Teardown: Delete created blob (${d:7:12})"
done
http GET "/v2/$NS/referrers/$FX_MANIFEST4_DIGEST"
expect_eq "(extra) referrers forget deleted referrer manifests" 0 "$(jq '.manifests | length' "$RB" 2>/dev/null)"

# ------------------------------------------------------------------------------------------
section "Content Management: Setup"
setup_blob "Management Setup: Populate registry with test blob (config[3])" "$NS" "$FX_CONFIG3_FILE"
setup_blob "Management Setup: Populate registry with test layer" "$NS" "$FX_LAYER_FILE"
http PUT "/v2/$NS/manifests/$TEST_TAG" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$FX_MANIFEST3_FILE"
expect_status "Management Setup: Populate registry with test tag" '2[0-9][0-9]'
http GET "/v2/$NS/tags/list"
expect_status "Management Setup: Check how many tags there are before anything gets deleted" 200
NUM_TAGS=$(jq '.tags | length' "$RB" 2>/dev/null || echo 0)

section "Content Management: Manifest delete"
http DELETE "/v2/$NS/manifests/$TEST_TAG"
expect_status "[end-9] DELETE request to manifest tag should return 202, unless tag deletion is disallowed (400)" '202|400'
[[ $ST == 400 ]] && expect_error "[end-9] tag deletion disallowed: code UNSUPPORTED" 400 UNSUPPORTED
expect_status "(extra) contract: DELETE by tag -> 202" 202
http GET "/v2/$NS/manifests/$FX_MANIFEST3_DIGEST"
expect_status "(extra) contract: DELETE by tag removes the tag only (manifest still there by digest)" 200
http DELETE "/v2/$NS/manifests/$FX_MANIFEST3_DIGEST"
expect_status "[end-9] DELETE request to manifest (digest) should yield 202 response unless already deleted" '202|404'
http GET "/v2/$NS/manifests/$FX_MANIFEST3_DIGEST"
expect_status "[end-3] GET request to deleted manifest URL should yield 404 response, unless delete is disallowed" '404|200'
expect_error "(extra) contract: GET deleted manifest -> 404 MANIFEST_UNKNOWN" 404 MANIFEST_UNKNOWN
http GET "/v2/$NS/tags/list"
expect_status "[end-8a] GET request to tags list should reflect manifest deletion (200)" 200
check "[end-8a] GET request to tags list should reflect manifest deletion (fewer tags)" \
  test "$(jq '.tags | length' "$RB" 2>/dev/null || echo 999)" -lt "$NUM_TAGS"
check "(extra) tags list no longer names $TEST_TAG" jq -e --arg t "$TEST_TAG" '(.tags // []) | index($t) == null' "$RB"
http DELETE "/v2/$NS/manifests/$FX_MANIFEST3_DIGEST"
expect_error "(extra) contract: DELETE unknown manifest -> 404 MANIFEST_UNKNOWN" 404 MANIFEST_UNKNOWN

http HEAD "/v2/$NS/blobs/$FX_CONFIG3_DIGEST"
expect_status "(extra) deleting a manifest leaves the blobs it references in place (config HEAD 200)" 200
section "Content Management: Blob delete"
http DELETE "/v2/$NS/blobs/$FX_CONFIG3_DIGEST"
expect_status "[end-10] DELETE request to blob URL should yield 202 response" 202
http GET "/v2/$NS/blobs/$FX_CONFIG3_DIGEST"
expect_status "[end-2] GET request to deleted blob URL should yield 404 response" 404
http DELETE "/v2/$NS/blobs/$FX_CONFIG3_DIGEST"
expect_error "(extra) contract: DELETE unknown blob -> 404 BLOB_UNKNOWN" 404 BLOB_UNKNOWN
http DELETE "/v2/$NS/blobs/$FX_LAYER_DIGEST"
delete_ok "Management Teardown: Delete layer blob"

# ------------------------------------------------------------------------------------------
section "Extra: headers, formats and pagination that real clients rely on"
setup_blob "extra setup: config[0]" "$NS" "$FX_CONFIG0_FILE"
setup_blob "extra setup: layer" "$NS" "$FX_LAYER_FILE"

# Byte-for-byte manifest storage: odd whitespace, key order, CRLF, trailing newlines.
python3 - "$FX" <<'PY'
import json, os, sys
fx = sys.argv[1]
def load_env():
    env = {}
    for line in open(os.path.join(fx, "fx.env")):
        k, v = line.rstrip("\n").split("=", 1)
        env[k] = v.strip("'")
    return env
e = load_env()
cfg = (e["FX_CONFIG0_DIGEST"], int(e["FX_CONFIG0_SIZE"]))
lay = (e["FX_LAYER_DIGEST"], int(e["FX_LAYER_SIZE"]))
pretty = ('{\r\n   "schemaVersion" :   2 ,\n\t"mediaType":"application/vnd.oci.image.manifest.v1+json",\n'
          '  "config"  : {\n      "mediaType" : "application/vnd.oci.image.config.v1+json",\n'
          f'      "size"      : {cfg[1]},\n      "digest":"{cfg[0]}"\n   }},\n'
          '"layers":[ { "mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",\n'
          f'   "digest" : "{lay[0]}",   "size":{lay[1]} }}  ],\n'
          '  "annotations" : { "org.example.note" : "odd   whitespace \\u00e9 \\/ kept" }\n}\n\n')
open(os.path.join(fx, "pretty.json"), "wb").write(pretty.encode())
docker = json.dumps({"schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": cfg[1], "digest": cfg[0]},
    "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": lay[1], "digest": lay[0]}]},
    indent=3).encode()
open(os.path.join(fx, "docker_v2.json"), "wb").write(docker)
import hashlib
def d(b): return "sha256:" + hashlib.sha256(b).hexdigest()
dlist = json.dumps({"schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": len(docker),
                   "digest": d(docker), "platform": {"architecture": "amd64", "os": "linux"}}]}, indent=2).encode()
open(os.path.join(fx, "docker_list.json"), "wb").write(dlist)
oidx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": len(pretty.encode()),
                   "digest": d(pretty.encode()), "platform": {"architecture": "amd64", "os": "linux"}}]}).encode()
open(os.path.join(fx, "oci_index.json"), "wb").write(oidx)
missing = "sha256:" + "ab" * 32
bidx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 123, "digest": missing}]}).encode()
open(os.path.join(fx, "broken_index.json"), "wb").write(bidx)
blist = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 123, "digest": missing,
                   "platform": {"architecture": "amd64", "os": "linux"}}]}).encode()
open(os.path.join(fx, "broken_list.json"), "wb").write(blist)
open(os.path.join(fx, "range.bin"), "wb").write(bytes(range(100)))
PY

PRETTY=$FX/pretty.json
PRETTY_DIGEST=$(sha256_of "$PRETTY")
http PUT "/v2/$NS/manifests/pretty" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$PRETTY"
expect_status "(extra) [end-7] PUT pretty-printed manifest with odd whitespace -> 201" 201
expect_eq "(extra) [end-7] Docker-Content-Digest is sha256 of the exact bytes sent" "$PRETTY_DIGEST" "$(hdr Docker-Content-Digest)"
http GET "/v2/$NS/manifests/pretty" -H "Accept: $OCI_MANIFEST"
check "(extra) [end-3] GET by tag returns the manifest byte-for-byte" cmp "$RB" "$PRETTY"
expect_eq "(extra) [end-3] GET by tag: Docker-Content-Digest" "$PRETTY_DIGEST" "$(hdr Docker-Content-Digest)"
expect_eq "(extra) [end-3] GET by tag: Content-Length" "$(size_of "$PRETTY")" "$(hdr Content-Length)"
http GET "/v2/$NS/manifests/$PRETTY_DIGEST" -H "Accept: $OCI_MANIFEST"
check "(extra) [end-3] GET by digest returns the manifest byte-for-byte" cmp "$RB" "$PRETTY"
http HEAD "/v2/$NS/manifests/pretty" -H "Accept: $OCI_MANIFEST"
expect_eq "(extra) [end-3] HEAD by tag: Content-Length" "$(size_of "$PRETTY")" "$(hdr Content-Length)"
expect_eq "(extra) [end-3] HEAD by tag: Content-Type" "$OCI_MANIFEST" "$(hdr Content-Type)"

DOCKER_V2=$FX/docker_v2.json
http PUT "/v2/$NS/manifests/docker-v2" -H "Content-Type: $DOCKER_MANIFEST" --data-binary "@$DOCKER_V2"
expect_status "(extra) [end-7] PUT Docker schema2 manifest -> 201" 201
expect_eq "(extra) [end-7] Docker schema2: Docker-Content-Digest" "$(sha256_of "$DOCKER_V2")" "$(hdr Docker-Content-Digest)"
http GET "/v2/$NS/manifests/docker-v2" -H "Accept: $DOCKER_MANIFEST"
expect_status "(extra) [end-3] GET Docker schema2 manifest -> 200" 200
expect_eq "(extra) [end-3] Docker schema2: Content-Type equals the pushed media type" "$DOCKER_MANIFEST" "$(hdr Content-Type)"
check "(extra) [end-3] Docker schema2: bytes verbatim" cmp "$RB" "$DOCKER_V2"

DOCKER_LIST_FILE=$FX/docker_list.json
http PUT "/v2/$NS/manifests/docker-list" -H "Content-Type: $DOCKER_LIST" --data-binary "@$DOCKER_LIST_FILE"
expect_status "(extra) [end-7] PUT Docker manifest list -> 201" 201
http GET "/v2/$NS/manifests/docker-list" -H "Accept: $DOCKER_LIST"
expect_status "(extra) [end-3] GET Docker manifest list -> 200" 200
expect_eq "(extra) [end-3] Docker manifest list: Content-Type equals the pushed media type" "$DOCKER_LIST" "$(hdr Content-Type)"
check "(extra) [end-3] Docker manifest list: bytes verbatim" cmp "$RB" "$DOCKER_LIST_FILE"

OCI_INDEX_FILE=$FX/oci_index.json
http PUT "/v2/$NS/manifests/oci-index" -H "Content-Type: $OCI_INDEX" --data-binary "@$OCI_INDEX_FILE"
expect_status "(extra) [end-7] PUT OCI image index -> 201" 201
http GET "/v2/$NS/manifests/oci-index" -H "Accept: $OCI_INDEX"
expect_eq "(extra) [end-3] OCI index: Content-Type equals the pushed media type" "$OCI_INDEX" "$(hdr Content-Type)"
check "(extra) [end-3] OCI index: bytes verbatim" cmp "$RB" "$OCI_INDEX_FILE"

http PUT "/v2/$NS/manifests/broken-index" -H "Content-Type: $OCI_INDEX" --data-binary "@$FX/broken_index.json"
expect_error "(extra) [end-7] OCI index whose child manifest is missing -> 400 MANIFEST_BLOB_UNKNOWN" 400 MANIFEST_BLOB_UNKNOWN
http GET "/v2/$NS/manifests/broken-index"
expect_status "(extra) rejected index is not stored under its tag" 404
http PUT "/v2/$NS/manifests/broken-list" -H "Content-Type: $DOCKER_LIST" --data-binary "@$FX/broken_list.json"
expect_error "(extra) [end-7] Docker manifest list whose child is missing -> 400 MANIFEST_BLOB_UNKNOWN" 400 MANIFEST_BLOB_UNKNOWN

section "Extra: blob Range requests"
RANGE_FILE=$FX/range.bin
setup_blob "extra setup: 100-byte blob" "$NS" "$RANGE_FILE"
RANGE_DIGEST=$(sha256_of "$RANGE_FILE")
http GET "/v2/$NS/blobs/$RANGE_DIGEST" -H 'Range: bytes=0-9'
expect_status "(extra) [end-2] Range: bytes=0-9 -> 206" 206
expect_eq "(extra) [end-2] bytes=0-9: Content-Range" "bytes 0-9/100" "$(hdr Content-Range)"
expect_eq "(extra) [end-2] bytes=0-9: Content-Length" 10 "$(hdr Content-Length)"
check "(extra) [end-2] bytes=0-9: body" cmp "$RB" <(head -c 10 "$RANGE_FILE")
http GET "/v2/$NS/blobs/$RANGE_DIGEST" -H 'Range: bytes=10-'
expect_status "(extra) [end-2] Range: bytes=10- -> 206" 206
expect_eq "(extra) [end-2] bytes=10-: Content-Range" "bytes 10-99/100" "$(hdr Content-Range)"
check "(extra) [end-2] bytes=10-: body" cmp "$RB" <(tail -c 90 "$RANGE_FILE")
http GET "/v2/$NS/blobs/$RANGE_DIGEST" -H 'Range: bytes=-5'
expect_status "(extra) [end-2] Range: bytes=-5 -> 206" 206
expect_eq "(extra) [end-2] bytes=-5: Content-Range" "bytes 95-99/100" "$(hdr Content-Range)"
check "(extra) [end-2] bytes=-5: body" cmp "$RB" <(tail -c 5 "$RANGE_FILE")
http GET "/v2/$NS/blobs/$RANGE_DIGEST" -H 'Range: bytes=100-200'
expect_status "(extra) [end-2] unsatisfiable Range: bytes=100-200 -> 416" 416
expect_eq "(extra) [end-2] unsatisfiable range: Content-Range: bytes */100" "bytes */100" "$(hdr Content-Range)"
http GET "/v2/$NS/blobs/$RANGE_DIGEST"
expect_status "(extra) [end-2] GET without Range still 200 after range requests" 200
check "(extra) [end-2] full body" cmp "$RB" "$RANGE_FILE"

section "Extra: Link pagination of tags and _catalog"
for t in a1 b2 c3 d4 e5; do
  http PUT "/v2/$NS/manifests/$t" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$PRETTY"
done
http GET "/v2/$NS/tags/list"
FULL_TAGS=$(jq -r '.tags[]' "$RB" 2>/dev/null | xargs)
expect_eq "(extra) [end-8a] full tag list (sorted)" "a1 b2 c3 d4 docker-list docker-v2 e5 oci-index pretty" "$FULL_TAGS"
http GET "/v2/$NS/tags/list"
check "(extra) [end-8a] no Link header when everything fits" test -z "$(hdr Link)"
# follow Link headers
follow_pages() { # FIRST_URL JQ_EXPR -> prints all items, one a line; PAGES counts requests
  local url=$1 expr=$2 link
  PAGES=0
  while [[ -n $url && $PAGES -lt 50 ]]; do
    http GET "$url"
    [[ $ST == 200 ]] || { echo "status $ST" >&2; return 1; }
    jq -r "$expr" "$RB"
    PAGES=$((PAGES + 1))
    link=$(hdr Link)
    url=""
    [[ $link =~ ^\<([^>]+)\>\;\ *rel=\"next\"$ ]] && url=${BASH_REMATCH[1]}
  done
}
http GET "/v2/$NS/tags/list?n=2"
expect_eq "(extra) [end-8b] tags ?n=2 Link header (contract format)" \
  "</v2/$NS/tags/list?n=2&last=b2>; rel=\"next\"" "$(hdr Link)"
follow_pages "/v2/$NS/tags/list?n=2" '.tags[]' >"$TEST_TMP/pages.out"
PAGED=$(xargs <"$TEST_TMP/pages.out")
expect_eq "(extra) [end-8b] following tags Link pages yields every tag once, in order" "$FULL_TAGS" "$PAGED"
expect_eq "(extra) [end-8b] 9 tags at n=2 take 5 pages" 5 "$PAGES"

for r in local/cat-a local/cat-b; do
  upload_blob "$r" "$FX_CONFIG1_FILE" >/dev/null
  http PUT "/v2/$r/manifests/v1" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$FX_EMPTYLAYER_MANIFEST_FILE"
  expect_status "(extra) setup: push $r:v1" 201
done
http GET /v2/_catalog
expect_status "(extra) GET /v2/_catalog -> 200" 200
CATALOG=$(jq -r '.repositories[]' "$RB" 2>/dev/null | xargs)
check "(extra) _catalog lists local/cat-a, local/cat-b and $NS" \
  bash -c 'for r in local/cat-a local/cat-b '"$NS"'; do grep -qw -- "$r" <<<"$1" || exit 1; done' _ "$CATALOG"
expect_eq "(extra) _catalog is sorted" "$(tr ' ' '\n' <<<"$CATALOG" | LC_ALL=C sort | xargs)" "$CATALOG"
FIRST_REPO=$(awk '{print $1}' <<<"$CATALOG")
http GET "/v2/_catalog?n=1"
expect_eq "(extra) _catalog ?n=1 Link header" "</v2/_catalog?n=1&last=$FIRST_REPO>; rel=\"next\"" "$(hdr Link)"
follow_pages "/v2/_catalog?n=1" '.repositories[]' >"$TEST_TMP/pages.out"
PAGED=$(xargs <"$TEST_TMP/pages.out")
expect_eq "(extra) following _catalog Link pages yields every repository once, in order" "$CATALOG" "$PAGED"

section "Extra: misc contract errors"
http GET "/v2/local/never-pushed/tags/list"
expect_error "(extra) contract: tags list of an unknown repository -> 404 NAME_UNKNOWN" 404 NAME_UNKNOWN
http GET "/v2/$NS/manifests/no-such-tag"
expect_error "(extra) contract: unknown tag -> 404 MANIFEST_UNKNOWN" 404 MANIFEST_UNKNOWN
check "daemon still running" kill -0 "$DAEMON_PID"

ukc_finish
