#!/usr/bin/env bash
# Bad input against a real `ukc-emu up` registry: every malformed, hostile or
# unauthorised request gets the spec's error (status + errors[0].code), and the store is
# unchanged afterwards (catalog, the repository's tags, the blobs involved). Finally the
# daemon is still alive and serves a normal push.
# Expected codes: OCI distribution-spec v1.1.1 "Error Codes" table and docs/registry-contract.md.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=registry_helpers.sh
source "$HERE/registry_helpers.sh"

# Data dir inside a "box" with a sentinel sibling, so files escaping the data dir show up.
BOX=$TEST_TMP/box
UKC_DATA=$BOX/data
SENTINEL=$BOX/sentinel
mkdir -p "$UKC_DATA" "$SENTINEL"
echo sentinel >"$SENTINEL/keep"
ukc_start_daemon

REPO=local/badinput
OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
OCI_INDEX=application/vnd.oci.image.index.v1+json
W=$TEST_TMP/work
mkdir -p "$W"

section() { echo "# $*"; }
rand_file() { head -c "$2" /dev/urandom >"$1"; }
# manifest_for CONFIG_FILE LAYER_FILE OUT [EXTRA_JSON]: writes an OCI manifest.
manifest_for() {
  local extra='{}'
  [[ $# -ge 4 ]] && extra=$4
  jq -n --arg cd "$(sha256_of "$1")" --argjson cs "$(size_of "$1")" \
    --arg ld "$(sha256_of "$2")" --argjson ls "$(size_of "$2")" --argjson extra "$extra" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ld, size: $ls}]} + $extra' >"$3"
}

# state: what must not change -- the catalog, the repository's tags, the base manifest.
state() {
  http GET "/v2/_catalog?n=1000"; echo "catalog $ST $(jq -c '.repositories' "$RB" 2>/dev/null)"
  http GET "/v2/$REPO/tags/list"; echo "tags $ST $(jq -c '.tags' "$RB" 2>/dev/null)"
  http GET "/v2/$REPO/manifests/base" -H "Accept: $OCI_MANIFEST"; echo "base $ST $(sha256sum <"$RB" | cut -c1-64)"
}
BASELINE=""
rebaseline() { BASELINE=$(state); }
expect_unchanged() { expect_eq "$1: store unchanged (catalog, tags, base manifest)" "$BASELINE" "$(state)"; }
blob_absent() { # NAME DIGEST [REPO]
  http HEAD "/v2/${3:-$REPO}/blobs/$2"
  expect_status "$1: blob ${2:7:12} absent (HEAD 404)" 404
}
# escapes: files named *ukcevil* or holding the payload marker anywhere they could land.
escapes() {
  {
    find "$BOX" -path "$UKC_DATA" -prune -o -print
    find / -maxdepth 2 -name '*ukcevil*' 2>/dev/null
    find /tmp "$UKC_DATA" -maxdepth 8 -name '*ukcevil*' 2>/dev/null
    grep -rl --exclude-dir=data 'ukcevil-payload' "$BOX" 2>/dev/null
  } | sort
}

# ------------------------------------------------------------------------------------------
section "Setup: a base image in $REPO"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' >"$W/config.json"
rand_file "$W/layer.bin" 2048
manifest_for "$W/config.json" "$W/layer.bin" "$W/base.json"
expect_eq "setup: upload config" 201 "$(upload_blob "$REPO" "$W/config.json")"
expect_eq "setup: upload layer" 201 "$(upload_blob "$REPO" "$W/layer.bin")"
expect_eq "setup: push base manifest" 201 "$(put_manifest "$REPO" base "$W/base.json" "$OCI_MANIFEST")"
rebaseline
echo "# baseline: $BASELINE" | tr '\n' ' '; echo
ESCAPES_BEFORE=$(escapes)

# ------------------------------------------------------------------------------------------
section "Upload finalized with the wrong digest"
rand_file "$W/x.bin" 300
rand_file "$W/y.bin" 300
DX=$(sha256_of "$W/x.bin"); DY=$(sha256_of "$W/y.bin")
http POST "/v2/$REPO/blobs/uploads/" --data-binary ''
LOC=$(hdr Location)
http PATCH "$(loc_url "$LOC")" -H 'Content-Type: application/octet-stream' --data-binary "@$W/x.bin"
LOC2=$(next_loc "$LOC")
http PUT "$(add_query "$(loc_url "$LOC2")" "digest=$DY")" -H 'Content-Type: application/octet-stream' --data-binary ''
expect_error "PUT finalize with a digest not matching the uploaded bytes -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
blob_absent "wrong-digest finalize" "$DX"
blob_absent "wrong-digest finalize" "$DY"
http GET "$(loc_url "$LOC2")"
expect_error "wrong-digest finalize: the session is gone (GET -> 404 BLOB_UPLOAD_UNKNOWN)" 404 BLOB_UPLOAD_UNKNOWN
http PUT "$(add_query "$(loc_url "$LOC2")" "digest=$DX")" -H 'Content-Type: application/octet-stream' --data-binary ''
expect_error "wrong-digest finalize: retrying the PUT with the right digest -> 404 BLOB_UPLOAD_UNKNOWN" 404 BLOB_UPLOAD_UNKNOWN
blob_absent "wrong-digest finalize, after retry" "$DX"
# monolithic variants
http POST "/v2/$REPO/blobs/uploads/" --data-binary ''
http PUT "$(add_query "$(loc_url "$(hdr Location)")" "digest=$DY")" -H 'Content-Type: application/octet-stream' --data-binary "@$W/x.bin"
expect_error "monolithic PUT with body of another digest -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
http POST "/v2/$REPO/blobs/uploads/?digest=$DY" -H 'Content-Type: application/octet-stream' --data-binary "@$W/x.bin"
expect_error "POST ?digest= with body of another digest -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
blob_absent "monolithic wrong digest" "$DX"
blob_absent "monolithic wrong digest" "$DY"
expect_unchanged "wrong digest"

# ------------------------------------------------------------------------------------------
section "Truncated uploads (Content-Length larger than the body, then the client closes)"
cat >"$W/truncate.py" <<'PY'
import base64, socket, sys, time
addr, method, path, creds, declared, body_file = sys.argv[1:7]
host, port = addr.rsplit(":", 1)
body = open(body_file, "rb").read()
head = (f"{method} {path} HTTP/1.1\r\nHost: {addr}\r\n"
        f"Authorization: Basic {base64.b64encode(creds.encode()).decode()}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {declared}\r\n\r\n").encode()
s = socket.create_connection((host, int(port)), timeout=5)
try:
    s.sendall(head + body)
    time.sleep(0.3)
    s.shutdown(socket.SHUT_WR)      # the rest of the declared body never comes
except OSError as e:                # the server may already have answered and closed
    pass
s.settimeout(5)
try:
    first = s.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
except Exception as e:  # timeout / reset are acceptable answers to a broken request
    first = f"<{type(e).__name__}>"
s.close()
print(first or "<closed>")
PY
rand_file "$W/full.bin" 4096
head -c 1000 "$W/full.bin" >"$W/part.bin"
DF=$(sha256_of "$W/full.bin"); DP=$(sha256_of "$W/part.bin")
# (a) monolithic PUT to a session
http POST "/v2/$REPO/blobs/uploads/" --data-binary ''
TLOC=$(rel_path "$(hdr Location)")
echo "# truncated PUT answered: $(timeout 20 python3 "$W/truncate.py" "$REG" PUT "$(add_query "$TLOC" "digest=$DF")" "$CREDS" 4096 "$W/part.bin")"
check "truncated PUT: daemon still running" kill -0 "$DAEMON_PID"
blob_absent "truncated monolithic PUT" "$DF"
blob_absent "truncated monolithic PUT (partial bytes not stored as a blob)" "$DP"
# (b) PATCH, then an attempt to finalize
http POST "/v2/$REPO/blobs/uploads/" --data-binary ''
TLOC=$(rel_path "$(hdr Location)")
echo "# truncated PATCH answered: $(timeout 20 python3 "$W/truncate.py" "$REG" PATCH "$TLOC" "$CREDS" 4096 "$W/part.bin")"
check "truncated PATCH: daemon still running" kill -0 "$DAEMON_PID"
http PUT "$(add_query "http://$REG$TLOC" "digest=$DF")" -H 'Content-Type: application/octet-stream' --data-binary ''
check "truncated PATCH: finalizing with the full blob's digest is not accepted (got $ST)" test "$ST" != 201
blob_absent "truncated PATCH" "$DF"
# (c) POST ?digest= monolithic
echo "# truncated POST answered: $(timeout 20 python3 "$W/truncate.py" "$REG" POST "/v2/$REPO/blobs/uploads/?digest=$DF" "$CREDS" 4096 "$W/part.bin")"
blob_absent "truncated POST ?digest=" "$DF"
# (d) truncated manifest PUT
head -c 100 "$W/base.json" >"$W/base.part"
echo "# truncated manifest PUT answered: $(timeout 20 python3 "$W/truncate.py" "$REG" PUT "/v2/$REPO/manifests/truncated" "$CREDS" "$(size_of "$W/base.json")" "$W/base.part")"
http GET "/v2/$REPO/manifests/truncated"
expect_status "truncated manifest PUT: tag not created" 404
http GET /v2/
expect_status "after truncated uploads the daemon still serves (GET /v2/ -> 200)" 200
expect_unchanged "truncated uploads"

# ------------------------------------------------------------------------------------------
section "Invalid manifests"
printf '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {' >"$W/invalid.json"
http PUT "/v2/$REPO/manifests/bad-json" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/invalid.json"
expect_error "manifest that is not valid JSON -> 400 MANIFEST_INVALID" 400 MANIFEST_INVALID
printf 'blablabla' >"$W/garbage"
http PUT "/v2/$REPO/manifests/bad-json" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/garbage"
expect_error "manifest body 'blablabla' -> 400 MANIFEST_INVALID" 400 MANIFEST_INVALID
http PUT "/v2/$REPO/manifests/bad-type" -H "Content-Type: application/vnd.example.unknown+json" --data-binary "@$W/base.json"
expect_error "manifest with an unknown media type (Content-Type) -> 400 MANIFEST_INVALID" 400 MANIFEST_INVALID
jq '.mediaType = "application/vnd.example.unknown+json"' "$W/base.json" >"$W/unknown_mt.json"
http PUT "/v2/$REPO/manifests/bad-type" -H "Content-Type: application/vnd.example.unknown+json" --data-binary "@$W/unknown_mt.json"
expect_error "manifest whose mediaType and Content-Type are an unknown type -> 400 MANIFEST_INVALID" 400 MANIFEST_INVALID
http PUT "/v2/$REPO/manifests/bad-type" -H "Content-Type: $OCI_INDEX" --data-binary "@$W/base.json"
expect_error "image manifest sent as Content-Type OCI index (mismatch) -> 400 MANIFEST_INVALID" 400 MANIFEST_INVALID
jq '.schemaVersion = 1' "$W/base.json" >"$W/schema1.json"
http PUT "/v2/$REPO/manifests/bad-type" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/schema1.json"
expect_error "manifest with schemaVersion 1 as OCI -> 400 MANIFEST_INVALID" 400 MANIFEST_INVALID
rand_file "$W/missing_layer.bin" 64
manifest_for "$W/config.json" "$W/missing_layer.bin" "$W/missing_layer.json"
http PUT "/v2/$REPO/manifests/missing-blob" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/missing_layer.json"
expect_error "manifest naming a missing layer blob -> 400 MANIFEST_BLOB_UNKNOWN" 400 MANIFEST_BLOB_UNKNOWN
manifest_for "$W/missing_layer.bin" "$W/layer.bin" "$W/missing_config.json"
http PUT "/v2/$REPO/manifests/missing-blob" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/missing_config.json"
expect_error "manifest naming a missing config blob -> 400 MANIFEST_BLOB_UNKNOWN" 400 MANIFEST_BLOB_UNKNOWN
expect_eq "setup: the missing layer exists in another repository" 201 "$(upload_blob local/badinput-other "$W/missing_layer.bin")"
rebaseline
http PUT "/v2/$REPO/manifests/missing-blob" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/missing_layer.json"
expect_error "manifest naming a blob only present in another repository -> 400 MANIFEST_BLOB_UNKNOWN" 400 MANIFEST_BLOB_UNKNOWN
jq -n --arg d "sha256:$(printf '%064d' 7)" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: 10}]}' >"$W/index_missing.json"
http PUT "/v2/$REPO/manifests/missing-child" -H "Content-Type: $OCI_INDEX" --data-binary "@$W/index_missing.json"
expect_error "index whose child manifest is missing -> 400 MANIFEST_BLOB_UNKNOWN" 400 MANIFEST_BLOB_UNKNOWN
# PUT by digest with a body of another digest
manifest_for "$W/config.json" "$W/layer.bin" "$W/other.json" '{"annotations":{"x":"y"}}'
OTHER_DIGEST=$(sha256_of "$W/other.json"); BASE_DIGEST=$(sha256_of "$W/base.json")
WRONG_REF="sha256:$(printf 'x' | sha256sum | cut -c1-64)"
http PUT "/v2/$REPO/manifests/$WRONG_REF" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/other.json"
expect_error "manifest PUT by digest with a body of another digest -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
http GET "/v2/$REPO/manifests/$WRONG_REF" -H "Accept: $OCI_MANIFEST"
expect_status "digest-mismatch manifest: nothing stored under the URL digest" 404
http GET "/v2/$REPO/manifests/$OTHER_DIGEST" -H "Accept: $OCI_MANIFEST"
expect_status "digest-mismatch manifest: nothing stored under the body's digest" 404
http PUT "/v2/$REPO/manifests/$BASE_DIGEST" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/other.json"
expect_error "manifest PUT to an existing manifest's digest with other bytes -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
for bad in 'bad tag' '-leadingdash' "$(printf 'a%.0s' {1..129})"; do
  http PUT "/v2/$REPO/manifests/$(jq -rn --arg s "$bad" '$s|@uri')" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/base.json"
  expect_error "manifest PUT with invalid tag '${bad:0:20}' -> 400 MANIFEST_INVALID (contract) / TAG_INVALID" 400 'MANIFEST_INVALID|TAG_INVALID'
done
section "Oversize manifest"
python3 - "$W/base.json" "$W/huge.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["annotations"] = {"pad": "x" * (4 * 1024 * 1024 + 4096)}
open(sys.argv[2], "w").write(json.dumps(m))
PY
http PUT "/v2/$REPO/manifests/huge" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/huge.json"
expect_error "manifest body over 4 MiB -> 413 SIZE_INVALID" 413 SIZE_INVALID
http GET "/v2/$REPO/manifests/huge"
expect_status "oversize manifest: tag not created" 404
expect_unchanged "invalid manifests"

# ------------------------------------------------------------------------------------------
section "Traversal and invalid repository names"
DE=$(printf 'ukcevil-payload' | sha256sum | cut -c1-64)
printf 'ukcevil-payload' >"$W/evil.bin"
name_case() { # LABEL PATH(as-is) [STRICT]
  http POST "$2?digest=sha256:$DE" --path-as-is -H 'Content-Type: application/octet-stream' --data-binary "@$W/evil.bin"
  if [[ ${3:-} == strict ]]; then
    expect_error "$1 -> 400 NAME_INVALID" 400 NAME_INVALID
  elif [[ $ST == 404 ]]; then
    expect_status "$1 -> NAME_INVALID or 404" 404
  else
    expect_error "$1 -> NAME_INVALID or 404" 400 NAME_INVALID
  fi
}
name_case "upload to /v2/local/../../../ukcevil1 (raw ../)" "/v2/local/../../../ukcevil1/blobs/uploads/"
name_case "upload to /v2/local/%2e%2e/%2e%2e/ukcevil2" "/v2/local/%2e%2e/%2e%2e/ukcevil2/blobs/uploads/"
name_case "upload to /v2/local/..%2f..%2f..%2fukcevil3" "/v2/local/..%2f..%2f..%2fukcevil3/blobs/uploads/"
name_case "upload to /v2/local/%2E%2E%2F%2E%2E%2Fukcevil4 (uppercase escapes)" "/v2/local/%2E%2E%2F%2E%2E%2Fukcevil4/blobs/uploads/"
name_case "upload to absolute-looking /v2//tmp/ukcevil5" "/v2//tmp/ukcevil5/blobs/uploads/"
name_case "upload to absolute-looking /v2/%2ftmp%2fukcevil6" "/v2/%2ftmp%2fukcevil6/blobs/uploads/"
name_case "upload to /v2/local/./ukcevil7" "/v2/local/./ukcevil7/blobs/uploads/"
name_case "upload to /v2/local/ukcevil8%00x (NUL)" "/v2/local/ukcevil8%00x/blobs/uploads/"
name_case "upload to uppercase name /v2/local/UkcEvil9" "/v2/local/UkcEvil9/blobs/uploads/" strict
name_case "upload to name with a trailing separator /v2/local/ukcevil10-" "/v2/local/ukcevil10-/blobs/uploads/" strict
http PUT "/v2/local/%2e%2e/ukcevil11/manifests/v1" --path-as-is -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/base.json"
expect_status "manifest PUT to /v2/local/%2e%2e/ukcevil11 -> 400 NAME_INVALID or 404" '400|404'
[[ $ST == 400 ]] && expect_error "manifest PUT to a traversal name: code NAME_INVALID" 400 NAME_INVALID
http GET "/v2/local/..%2f..%2f..%2fetc/tags/list" --path-as-is
expect_status "tags list of /v2/local/..%2f..%2f..%2fetc -> 400 NAME_INVALID or 404" '400|404'
http PUT "/v2/$REPO/manifests/..%2f..%2f..%2fukcevil12" --path-as-is -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/base.json"
if [[ $ST == 404 ]]; then expect_status "manifest PUT with tag ..%2f..%2fukcevil12 -> 400 MANIFEST_INVALID or 404" 404
else expect_error "manifest PUT with tag ..%2f..%2fukcevil12 -> 400 MANIFEST_INVALID or 404" 400 'MANIFEST_INVALID|TAG_INVALID|NAME_INVALID'; fi
http PUT "/v2/$REPO/manifests/sha256:..%2f..%2fukcevil13" --path-as-is -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/base.json"
if [[ $ST == 404 ]]; then expect_status "manifest PUT with digest sha256:..%2f..%2fukcevil13 -> 400 DIGEST_INVALID or 404" 404
else expect_error "manifest PUT with digest sha256:..%2f..%2fukcevil13 -> 400 DIGEST_INVALID or 404" 400 'DIGEST_INVALID|NAME_INVALID'; fi
# traversal inside a digest: the brief's traversal rule (a 400 spec error, or 404), no file access
http GET "/v2/$REPO/blobs/sha256:..%2f..%2f..%2fukcevil14" --path-as-is
if [[ $ST == 404 ]]; then expect_status "blob GET with digest sha256:..%2f..%2fukcevil14 -> 400 DIGEST_INVALID or 404" 404
else expect_error "blob GET with digest sha256:..%2f..%2fukcevil14 -> 400 DIGEST_INVALID or 404" 400 'DIGEST_INVALID|NAME_INVALID'; fi
http PUT "/v2/$REPO/blobs/uploads/..%2f..%2f..%2fukcevil15?digest=sha256:$DE" --path-as-is \
  -H 'Content-Type: application/octet-stream' --data-binary "@$W/evil.bin"
expect_status "upload PUT to session id ..%2f..%2fukcevil15 -> 404 BLOB_UPLOAD_UNKNOWN (or 400)" '400|404'
http PATCH "/v2/$REPO/blobs/uploads/%2e%2e%2f%2e%2e%2fukcevil16" --path-as-is \
  -H 'Content-Type: application/octet-stream' --data-binary "@$W/evil.bin"
expect_status "upload PATCH to session id %2e%2e%2fukcevil16 -> 404 (or 400)" '400|404'
http POST "/v2/$REPO/blobs/uploads/?mount=sha256:$DE&from=..%2f..%2fukcevil17" -H 'Content-Length: 0'
expect_status "mount with from=../../ukcevil17 -> 202 session or 400 NAME_INVALID, never 201" '202|400'
[[ $ST == 400 ]] && expect_error "mount from a traversal name: code NAME_INVALID" 400 NAME_INVALID
expect_eq "no file appeared outside the data dir, and none named *ukcevil* anywhere" "$ESCAPES_BEFORE" "$(escapes)"
check "sentinel next to the data dir intact" test "$(cat "$SENTINEL/keep")" = sentinel
blob_absent "traversal uploads" "sha256:$DE"
expect_unchanged "traversal names"

# ------------------------------------------------------------------------------------------
section "Authentication"
http_as none GET /v2/
expect_error "no credentials: GET /v2/ -> 401 UNAUTHORIZED" 401 UNAUTHORIZED
WWWA=$(hdr WWW-Authenticate)
expect_match "no credentials: WWW-Authenticate: Bearer realm=\"http://$REG/service/token\",service=\"ukc-emu\"" \
  "^Bearer realm=\"http://$REG/service/token\",service=\"ukc-emu\"" "$WWWA"
http_as none GET "/v2/$REPO/tags/list"
expect_error "no credentials: GET tags list -> 401 UNAUTHORIZED" 401 UNAUTHORIZED
expect_match "no credentials on a repository: WWW-Authenticate carries scope=\"repository:$REPO:pull\"" \
  "scope=\"repository:$REPO:pull\"" "$(hdr WWW-Authenticate)"
http_as none POST "/v2/$REPO/blobs/uploads/" -H 'Content-Length: 0'
expect_error "no credentials: POST upload -> 401 UNAUTHORIZED" 401 UNAUTHORIZED
expect_match "no credentials on a push: WWW-Authenticate scope names push" "scope=\"repository:$REPO:[a-z,]*push" "$(hdr WWW-Authenticate)"
http_as none GET "/v2/$REPO/manifests/base" -H "Accept: $OCI_MANIFEST"
expect_error "no credentials: GET manifest -> 401" 401 UNAUTHORIZED
http_as none GET "/v2/$REPO/blobs/$(sha256_of "$W/layer.bin")"
expect_error "no credentials: GET blob -> 401" 401 UNAUTHORIZED
http_as none GET /v2/_catalog
expect_error "no credentials: GET _catalog -> 401" 401 UNAUTHORIZED
http_as none GET "/service/token?service=ukc-emu&scope=repository:$REPO:pull"
expect_status "no credentials: GET /service/token -> 401" 401

# token flow
http GET "/service/token?service=ukc-emu&scope=repository:$REPO:pull,push"
expect_status "token flow: GET /service/token with Basic -> 200" 200
TOKEN=$(jq -r '.token // empty' "$RB" 2>/dev/null)
check "token flow: response has token, access_token, expires_in, issued_at" \
  jq -e '(.token|type)=="string" and (.token|length)>0 and (.access_token|type)=="string" and (.expires_in|type)=="number" and (.issued_at|type)=="string"' "$RB"
http_as "bearer:$TOKEN" GET "/v2/$REPO/tags/list"
expect_status "token flow: Bearer token reads tags list -> 200" 200
rand_file "$W/bearer.bin" 77
http_as "bearer:$TOKEN" POST "/v2/$REPO/blobs/uploads/?digest=$(sha256_of "$W/bearer.bin")" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$W/bearer.bin"
expect_status "token flow: Bearer token pushes a blob -> 201" 201
http_as "bearer:$UKC_TOKEN" GET "/v2/$REPO/tags/list"
expect_status "the UKC API token is accepted as a Bearer value -> 200" 200
LOCAL_SECRET=${CREDS#*:}
http_as "basic:local:$LOCAL_SECRET" GET "/v2/$REPO/tags/list"
expect_status "Basic with the plain user name 'local' -> 200" 200

# invalid credentials
http_as "basic:${CREDS%%:*}:wrong-secret" GET /v2/
expect_error "invalid credentials (wrong password): GET /v2/ -> 401 UNAUTHORIZED" 401 UNAUTHORIZED
http_as "basic:robot\$nobody.users.kraftcloud:whatever" GET "/v2/$REPO/tags/list"
expect_error "invalid credentials (unknown user) -> 401 UNAUTHORIZED" 401 UNAUTHORIZED
http_as "bearer:not-a-token" GET "/v2/$REPO/tags/list"
expect_error "invalid Bearer token -> 401 UNAUTHORIZED" 401 UNAUTHORIZED
http_as "bearer:${TOKEN}x" GET "/v2/$REPO/tags/list"
expect_error "tampered Bearer token -> 401 UNAUTHORIZED" 401 UNAUTHORIZED
http_as "basic:${CREDS%%:*}:wrong-secret" GET "/service/token?service=ukc-emu&scope=repository:$REPO:pull"
expect_error "invalid credentials on /service/token -> 401 UNAUTHORIZED" 401 UNAUTHORIZED
http_as "basic:${CREDS%%:*}:wrong-secret" POST "/v2/$REPO/blobs/uploads/?digest=sha256:$DE" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$W/evil.bin"
expect_error "invalid credentials: monolithic push -> 401" 401 UNAUTHORIZED
blob_absent "push with invalid credentials" "sha256:$DE"
rebaseline

# ------------------------------------------------------------------------------------------
section "Authorisation: a second user (bob) and the official/ namespace"
BOB_TOKEN=$("$UKC_EMU" user add bob --data-dir "$UKC_DATA" 2>>"$TEST_TMP/daemon.log" | tail -1 | tr -d '[:space:]')
check "ukc-emu user add bob prints a token" test -n "$BOB_TOKEN"
BOB_CREDS=$(creds_from_token "$BOB_TOKEN" 2>/dev/null)
expect_match "bob's token decodes to robot\$bob.users.kraftcloud:SECRET" '^robot\$bob\.users\.kraftcloud:.+' "$BOB_CREDS"
BOB="basic:$BOB_CREDS"
http_as "$BOB" GET /v2/
expect_status "bob authenticates (GET /v2/ -> 200)" 200
http_as "$BOB" GET "/v2/$REPO/tags/list"
expect_error "bob (Basic) pulls local/ tags -> 403 DENIED" 403 DENIED
http_as "$BOB" GET "/v2/$REPO/manifests/base" -H "Accept: $OCI_MANIFEST"
expect_error "bob (Basic) pulls a local/ manifest -> 403 DENIED" 403 DENIED
http_as "$BOB" GET "/v2/$REPO/blobs/$(sha256_of "$W/layer.bin")"
expect_error "bob (Basic) pulls a local/ blob -> 403 DENIED" 403 DENIED
http_as "$BOB" POST "/v2/$REPO/blobs/uploads/" -H 'Content-Length: 0'
expect_error "bob (Basic) pushes to local/ -> 403 DENIED" 403 DENIED
# bob's bearer token
http_as "$BOB" GET "/service/token?service=ukc-emu&scope=repository:bob/app:pull,push"
expect_status "bob fetches a token (own scope) -> 200" 200
BOB_BEARER=bearer:$(jq -r '.token // empty' "$RB" 2>/dev/null)
http_as "$BOB" GET "/service/token?service=ukc-emu&scope=repository:$REPO:pull,push"
if [[ $ST == 200 ]]; then
  BOB_BEARER_LOCAL=bearer:$(jq -r '.token // empty' "$RB" 2>/dev/null)
else
  expect_status "bob's token request for local/ scope: 200 (reduced grant) or 403" 403
  BOB_BEARER_LOCAL=$BOB_BEARER
fi
for tb in "$BOB_BEARER" "$BOB_BEARER_LOCAL"; do
  http_as "$tb" GET "/v2/$REPO/tags/list"
  expect_error "bob's token pulls local/ tags -> 403 DENIED" 403 DENIED
  http_as "$tb" GET "/v2/$REPO/manifests/base" -H "Accept: $OCI_MANIFEST"
  expect_error "bob's token pulls a local/ manifest -> 403 DENIED" 403 DENIED
  http_as "$tb" POST "/v2/$REPO/blobs/uploads/?digest=sha256:$DE" -H 'Content-Type: application/octet-stream' --data-binary "@$W/evil.bin"
  expect_error "bob's token pushes to local/ -> 403 DENIED" 403 DENIED
  http_as "$tb" PUT "/v2/$REPO/manifests/bob-was-here" -H "Content-Type: $OCI_MANIFEST" --data-binary "@$W/base.json"
  expect_error "bob's token PUTs a local/ manifest -> 403 DENIED" 403 DENIED
  http_as "$tb" DELETE "/v2/$REPO/manifests/base"
  expect_error "bob's token DELETEs a local/ tag -> 403 DENIED" 403 DENIED
  http_as "$tb" POST "/v2/official/bobimage/blobs/uploads/" -H 'Content-Length: 0'
  expect_error "bob's token pushes to official/ -> 403 DENIED" 403 DENIED
done
http_as "$BOB" POST "/v2/official/bobimage/blobs/uploads/?digest=sha256:$DE" -H 'Content-Type: application/octet-stream' --data-binary "@$W/evil.bin"
expect_error "bob (Basic) pushes to official/ -> 403 DENIED" 403 DENIED
http POST "/v2/official/localimage/blobs/uploads/" -H 'Content-Length: 0'
expect_error "local pushes to official/ -> 403 DENIED" 403 DENIED
http_as "$BOB" POST "/v2/bob/app/blobs/uploads/?mount=$(sha256_of "$W/layer.bin")&from=$REPO" -H 'Content-Length: 0'
expect_status "bob mounts a local/ blob into bob/app: not 201 (202 session or 403)" '202|403'
http_as "$BOB" HEAD "/v2/bob/app/blobs/$(sha256_of "$W/layer.bin")"
expect_status "bob's mount did not leak the local/ blob into bob/app" 404
http_as "$BOB" GET "/v2/_catalog"
check "bob's _catalog does not list local/ repositories" jq -e 'all(.repositories[]?; startswith("local/") | not)' "$RB"
expect_unchanged "second user"
blob_absent "bob's pushes" "sha256:$DE"
http_as "$BOB" POST "/v2/bob/app/blobs/uploads/?digest=sha256:$DE" -H 'Content-Type: application/octet-stream' --data-binary "@$W/evil.bin"
expect_status "positive control: bob pushes to bob/app -> 201" 201
blob_absent "bob's own blob is not visible in local/" "sha256:$DE"
rm -f "$W/evil.bin"   # (its bytes are now legitimately stored under bob/app)
ESCAPES_BEFORE=$(escapes)

# ------------------------------------------------------------------------------------------
section "Malformed digests"
for bad in 'sha256:xyz' "sha256:$(printf 'a%.0s' {1..63})" "sha256:$(printf 'A%.0s' {1..64})" 'notadigest' 'md5:d41d8cd98f00b204e9800998ecf8427e' 'sha256:'; do
  http GET "/v2/$REPO/blobs/$bad"
  expect_error "blob GET with malformed digest '${bad:0:20}' -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
  http HEAD "/v2/$REPO/blobs/$bad"
  expect_status "blob HEAD with malformed digest '${bad:0:20}' -> 400" 400
done
http DELETE "/v2/$REPO/blobs/sha256:xyz"
expect_error "blob DELETE with malformed digest -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
rand_file "$W/z.bin" 50
for bad in 'sha256:xyz' 'notadigest' "sha256:$(printf 'A%.0s' {1..64})"; do
  http POST "/v2/$REPO/blobs/uploads/" -H 'Content-Length: 0'
  http PUT "$(add_query "$(loc_url "$(hdr Location)")" "digest=$bad")" -H 'Content-Type: application/octet-stream' --data-binary "@$W/z.bin"
  expect_error "upload PUT ?digest=${bad:0:20} -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
done
http POST "/v2/$REPO/blobs/uploads/" -H 'Content-Length: 0'
http PUT "$(loc_url "$(hdr Location)")" -H 'Content-Type: application/octet-stream' --data-binary "@$W/z.bin"
expect_status "upload PUT without ?digest= -> 400" 400
http POST "/v2/$REPO/blobs/uploads/?digest=sha256:xyz" -H 'Content-Type: application/octet-stream' --data-binary "@$W/z.bin"
expect_error "POST ?digest=sha256:xyz -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
http GET "/v2/$REPO/manifests/sha256:xyz" -H "Accept: $OCI_MANIFEST"
expect_error "manifest GET with malformed digest -> 400 DIGEST_INVALID" 400 DIGEST_INVALID
http GET "/v2/$REPO/referrers/sha256:xyz"
expect_status "referrers with malformed digest -> 400" 400
blob_absent "malformed digests" "$(sha256_of "$W/z.bin")"
expect_unchanged "malformed digests"

# ------------------------------------------------------------------------------------------
section "Unknown upload sessions"
UNKNOWN=/v2/$REPO/blobs/uploads/3f1e0c7e-0000-4000-8000-000000000000
http GET "$UNKNOWN"
expect_error "GET unknown upload UUID -> 404 BLOB_UPLOAD_UNKNOWN" 404 BLOB_UPLOAD_UNKNOWN
http PATCH "$UNKNOWN" -H 'Content-Type: application/octet-stream' --data-binary "@$W/z.bin"
expect_error "PATCH unknown upload UUID -> 404 BLOB_UPLOAD_UNKNOWN" 404 BLOB_UPLOAD_UNKNOWN
http PUT "$UNKNOWN?digest=$(sha256_of "$W/z.bin")" -H 'Content-Type: application/octet-stream' --data-binary "@$W/z.bin"
expect_error "PUT unknown upload UUID -> 404 BLOB_UPLOAD_UNKNOWN" 404 BLOB_UPLOAD_UNKNOWN
http DELETE "$UNKNOWN"
expect_error "DELETE unknown upload UUID -> 404 BLOB_UPLOAD_UNKNOWN" 404 BLOB_UPLOAD_UNKNOWN
http POST "/v2/$REPO/blobs/uploads/" -H 'Content-Length: 0'
SID=$(rel_path "$(hdr Location)"); SID=${SID##*/uploads/}; SID=${SID%%\?*}
http PATCH "/v2/local/badinput-other/blobs/uploads/$SID" -H 'Content-Type: application/octet-stream' --data-binary "@$W/z.bin"
expect_error "a session of $REPO used under another repository -> 404 BLOB_UPLOAD_UNKNOWN" 404 BLOB_UPLOAD_UNKNOWN
blob_absent "unknown sessions" "$(sha256_of "$W/z.bin")"

# ------------------------------------------------------------------------------------------
section "PATCH with a bad Content-Range"
printf '0123456789' >"$W/ten.bin"
head -c 5 "$W/ten.bin" >"$W/first5"; tail -c 5 "$W/ten.bin" >"$W/last5"
http POST "/v2/$REPO/blobs/uploads/" -H 'Content-Length: 0'
SLOC=$(hdr Location)
http PATCH "$(loc_url "$SLOC")" -H 'Content-Type: application/octet-stream' -H 'Content-Range: 5-9' --data-binary "@$W/last5"
expect_status "PATCH with Content-Range 5-9 on an empty session -> 416" 416
http PATCH "$(loc_url "$SLOC")" -H 'Content-Type: application/octet-stream' -H 'Content-Range: garbage' --data-binary "@$W/first5"
expect_status "PATCH with a malformed Content-Range -> 416 (or 400)" '416|400'
http GET "$(loc_url "$SLOC")"
expect_status "after rejected PATCHes the session is intact (GET -> 204)" 204
expect_eq "after rejected PATCHes nothing was appended (Range 0-0)" "0-0" "$(hdr Range)"
http PATCH "$(loc_url "$SLOC")" -H 'Content-Type: application/octet-stream' -H 'Content-Range: 0-4' --data-binary "@$W/first5"
expect_status "PATCH with the right Content-Range 0-4 -> 202" 202
expect_eq "PATCH 0-4: Range 0-4" "0-4" "$(hdr Range)"
SLOC=$(next_loc "$SLOC")
http PATCH "$(loc_url "$SLOC")" -H 'Content-Type: application/octet-stream' -H 'Content-Range: 3-7' --data-binary "@$W/last5"
expect_status "PATCH overlapping Content-Range 3-7 -> 416" 416
expect_eq "416 carries Range of what is stored (0-4)" "0-4" "$(hdr Range)"
http PATCH "$(loc_url "$SLOC")" -H 'Content-Type: application/octet-stream' -H 'Content-Range: 5-9' --data-binary "@$W/last5"
expect_status "PATCH 5-9 after the rejections -> 202" 202
SLOC=$(next_loc "$SLOC")
http PUT "$(add_query "$(loc_url "$SLOC")" "digest=$(sha256_of "$W/ten.bin")")" -H 'Content-Type: application/octet-stream' --data-binary ''
expect_status "finalize after rejected PATCHes -> 201" 201
http GET "/v2/$REPO/blobs/$(sha256_of "$W/ten.bin")"
check "the finalized blob is exactly the accepted chunks" cmp "$RB" "$W/ten.bin"
expect_unchanged "bad Content-Range"

# ------------------------------------------------------------------------------------------
section "The daemon survived and serves a normal push"
check "daemon process still running" kill -0 "$DAEMON_PID"
http GET /v2/
expect_status "GET /v2/ -> 200" 200
printf '{"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' >"$W/config2.json"
rand_file "$W/layer2.bin" 3000
manifest_for "$W/config2.json" "$W/layer2.bin" "$W/final.json"
expect_eq "normal push: config" 201 "$(upload_blob "$REPO" "$W/config2.json")"
expect_eq "normal push: layer" 201 "$(upload_blob "$REPO" "$W/layer2.bin")"
expect_eq "normal push: manifest" 201 "$(put_manifest "$REPO" final "$W/final.json" "$OCI_MANIFEST")"
http GET "/v2/$REPO/manifests/final" -H "Accept: $OCI_MANIFEST"
check "normal pull: manifest bytes" cmp "$RB" "$W/final.json"
http GET "/v2/$REPO/blobs/$(sha256_of "$W/layer2.bin")"
check "normal pull: layer bytes" cmp "$RB" "$W/layer2.bin"
http GET "/v2/$REPO/tags/list"
expect_eq "tags list is exactly base + final" '["base","final"]' "$(jq -c .tags "$RB" 2>/dev/null)"
expect_eq "still no file outside the data dir" "$ESCAPES_BEFORE" "$(escapes)"

ukc_finish
