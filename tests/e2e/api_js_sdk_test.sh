#!/usr/bin/env bash
# The official JavaScript SDK (@unikraft/cloud 0.2.0) as a real client of the platform API:
# js/sdk_client.mjs looks the pushed image up by tag, lists instances, creates one with autostart,
# waits for running, reads its console log, stops, starts, deletes it, and looks up a missing one,
# through both the SDK's porcelain (UnikraftCloud, configured only by UKC_TOKEN/UKC_METRO) and its
# plumbing (PlatformApi, including the /v1/instances/{uuid}/… local-scope forms).
#
# Request shapes in short (full list, and the response fields the SDK needs, at the top of
# js/sdk_client.mjs): base URL = UKC_METRO minus a trailing /v1, paths carry /v1. GETs never have a
# body — filters are query params, percent-encoded and repeated (?uuid=U&details=true,
# ?name=N, ?tag=local%2Fjsapp%3Alatest, wait ?uuid=U&state=running&timeout_s=30, log
# ?uuid=U&offset=O&limit=L, list ?count=100[&from=U]); GET /v1/instances/{U}[/wait|/log] carry
# nothing. Writes: POST /v1/instances {spec}; PUT /v1/instances/{start,stop} and DELETE
# /v1/instances with [{"uuid":U}]; PUT /v1/instances/{U}/{start,stop} with {}; DELETE
# /v1/instances/{U} with no body. Not found = HTTP 200 with data.instances[0].error 8.
#
# The SDK comes from the npm registry with `npm pack` (tarballs cached in
# ${XDG_CACHE_HOME:-~/.cache}/ukc-emu/npm) and is unpacked by hand into this test's own
# node_modules: its declared dependency range on @unikraft/cloud-plugin-sandbox-api
# (^1.1.0-next.4) is not published, so `npm install` cannot resolve it; 1.0.0 provides everything
# 0.2.0 imports. It asks for Node 22 and runs on Node 20. Failing to fetch it fails the test.
# The daemon runs with UKC_VMM=fake, so instances reach running at once and have a small log.
source "$(dirname "$0")/lib.sh"
containers_sandbox

JS_DIR=$(cd "$(dirname "$0")/js" && pwd)
NPM_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ukc-emu/npm
SDK_PACKAGES=("@unikraft/cloud@0.2.0" "@unikraft/cloud-plugin-sandbox-api@1.0.0")

# tarball_name PKG@VERSION → the file name `npm pack` gives it (@scope/name@v → scope-name-v.tgz).
tarball_name() {
  local spec=${1#@}
  local name=${spec%@*} version=${spec##*@}
  printf '%s-%s.tgz' "${name//\//-}" "$version"
}

# fetch_tarball PKG@VERSION: npm pack into a private dir, then move into the cache (atomic, so
# an interrupted download never leaves a truncated tarball behind).
fetch_tarball() {
  local file dl
  file=$(tarball_name "$1")
  [[ -s "$NPM_CACHE/$file" ]] && gzip -t "$NPM_CACHE/$file" 2>/dev/null && return 0
  mkdir -p "$NPM_CACHE" || return 1
  dl=$(mktemp -d "$NPM_CACHE/.dl.XXXXXX") || return 1
  (cd "$dl" && timeout 300 npm pack "$1" --loglevel=warn --pack-destination "$dl" </dev/null) &&
    [[ -s "$dl/$file" ]] && gzip -t "$dl/$file" && mv -f "$dl/$file" "$NPM_CACHE/$file"
  local rc=$?
  rm -rf "$dl"
  return $rc
}

# unpack PKG@VERSION DEST: the package/ directory of its tarball becomes DEST.
unpack() {
  mkdir -p "$2" && tar -xzf "$NPM_CACHE/$(tarball_name "$1")" -C "$2" --strip-components=1 package/
}

check "node >= 20 is installed" node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'
check "npm is installed" npm --version
for pkg in "${SDK_PACKAGES[@]}"; do
  check "npm pack $pkg (cached in $NPM_CACHE)" fetch_tarball "$pkg"
done
if [[ $FAILED -ne 0 ]]; then
  echo "the SDK could not be fetched from the npm registry"
  ukc_finish
  exit 1
fi
NODE_DIR=$TEST_TMP/js
MODULES=$NODE_DIR/node_modules
check "unpack @unikraft/cloud" unpack "${SDK_PACKAGES[0]}" "$MODULES/@unikraft/cloud"
check "unpack @unikraft/cloud-plugin-sandbox-api" unpack "${SDK_PACKAGES[1]}" \
  "$MODULES/@unikraft/cloud-plugin-sandbox-api"
cp "$JS_DIR"/*.mjs "$NODE_DIR/"
# Every runtime dependency the two packages declare must be present (a newer SDK may add some).
check "every runtime dependency of the SDK is unpacked" node -e '
  const fs = require("fs"), path = require("path"), root = process.argv[1];
  const missing = [];
  for (const pkg of ["@unikraft/cloud", "@unikraft/cloud-plugin-sandbox-api"]) {
    const deps = JSON.parse(fs.readFileSync(path.join(root, pkg, "package.json"))).dependencies ?? {};
    for (const dep of Object.keys(deps)) if (!fs.existsSync(path.join(root, dep, "package.json"))) missing.push(dep);
  }
  if (missing.length) { console.log("missing: " + missing.join(" ")); process.exit(1); }' "$MODULES"
check "the SDK loads on this node" bash -c "cd '$NODE_DIR' && node --input-type=module -e \
  'await import(\"@unikraft/cloud\"); await import(\"@unikraft/cloud/api/platform\");'"
if [[ $FAILED -ne 0 ]]; then
  echo "the SDK could not be fetched or loaded; not starting the daemon"
  ukc_finish
  exit 1
fi

export UKC_VMM=fake
ukc_start_daemon
push_test_image local/jsapp:latest

# UKC_TOKEN and UKC_METRO are all the SDK is given. No proxy variables: the SDK's own fetch would
# try to route even 127.0.0.1 through one (and warn that the optional undici is missing).
(cd "$NODE_DIR" && env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy -u NODE_OPTIONS \
  UKC_TOKEN="$UKC_TOKEN" UKC_METRO="$UKC_METRO" SDK_IMAGE=local/jsapp:latest \
  timeout 600 node sdk_client.mjs) >"$TEST_TMP/sdk.out" 2>&1
node_rc=$?
grep -v '^SDK-CLIENT-DONE' "$TEST_TMP/sdk.out"
PASSED=$((PASSED + $(grep -c '^ok   - ' "$TEST_TMP/sdk.out")))
FAILED=$((FAILED + $(grep -c '^FAIL - ' "$TEST_TMP/sdk.out")))
check "sdk_client.mjs ran to the end" grep -q '^SDK-CLIENT-DONE ' "$TEST_TMP/sdk.out"
expect_eq "sdk_client.mjs exit status agrees with its checks" \
  "$(grep -q '^FAIL - ' "$TEST_TMP/sdk.out" && echo 1 || echo 0)" "$node_rc"

ukc_finish
