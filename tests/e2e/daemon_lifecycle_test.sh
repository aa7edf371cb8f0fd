#!/usr/bin/env bash
# The daemon's life: `env` and `user add` output, one daemon per data dir, a log line per request
# at debug level, SIGTERM during an in-flight upload (the upload fails cleanly, nothing
# half-written, the daemon exits promptly), and a restart that serves what was stored.
source "$(dirname "$0")/lib.sh"

ukc_start_daemon

# env prints the exports with the addresses really bound.
env_out=$("$UKC_EMU" env --data-dir "$UKC_DATA")
check "env exports UKC_TOKEN, UKC_METRO, UKC_REGISTRY" \
  grep -q "^export UKC_TOKEN=.*" <<<"$env_out"
reg_port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["registry_addr"])' \
  "$UKC_DATA/run/daemon.json")
expect_eq "UKC_REGISTRY is the bound registry address" "$reg_port" "$UKC_REGISTRY"
check "UKC_METRO points at the API with /v1" grep -q "^export UKC_METRO=http://$API/v1$" <<<"$env_out"
check "UKC_PROXY_HTTPS_PORT is the proxy's bound TLS port" \
  grep -q "^export UKC_PROXY_HTTPS_PORT=$PROXY_TLS$" <<<"$env_out"
expect_eq "token decodes to the robot account of user local" "robot\$local.users.kraftcloud" \
  "$(creds_from_token "$UKC_TOKEN" | cut -d: -f1)"

# Users: a new one gets a working token; names are validated; duplicates refused.
bob_token=$("$UKC_EMU" user add bob --data-dir "$UKC_DATA")
expect_eq "user add prints bob's token" "robot\$bob.users.kraftcloud" \
  "$(creds_from_token "$bob_token" | cut -d: -f1)"
check "bob's token works on the registry" \
  curl -fsS --max-time 5 -u "$(creds_from_token "$bob_token")" "http://$REG/v2/"
check "a duplicate user is refused" bash -c "! '$UKC_EMU' user add bob --data-dir '$UKC_DATA'"
check "an invalid user name is refused" bash -c "! '$UKC_EMU' user add 'Bad/Name' --data-dir '$UKC_DATA'"
check "the API answers 401 without a token (metro probe)" \
  bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://$API/) == 401 ]]"
check "the API accepts the token" \
  bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Authorization: Bearer $UKC_TOKEN' http://$API/v1/nothing) == 404 ]]"

# One daemon per data dir.
check "a second daemon on the same data dir is refused" bash -c \
  "! timeout 10 '$UKC_EMU' up --data-dir '$UKC_DATA' --registry-addr 127.0.0.1:0 --api-addr 127.0.0.1:0"
check "debug level logs one line per request" grep -q "registry .* GET /v2/ 200" "$TEST_TMP/daemon.log"

# Push a small blob that must survive, then start an upload that will be in flight at SIGTERM.
echo "durable content" >"$TEST_TMP/keep.txt"
keep_digest="sha256:$(sha256sum "$TEST_TMP/keep.txt" | cut -d' ' -f1)"
check "a monolithic upload succeeds" bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
  -u '$CREDS' -X POST --data-binary @'$TEST_TMP/keep.txt' \
  'http://$REG/v2/local/life/blobs/uploads/?digest=$keep_digest') == 201 ]]"

head -c 8388608 /dev/urandom >"$TEST_TMP/big.bin"
big_digest="sha256:$(sha256sum "$TEST_TMP/big.bin" | cut -d' ' -f1)"
location=$(curl -s -D - -o /dev/null --max-time 5 -u "$CREDS" -X POST \
  "http://$REG/v2/local/life/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
# --limit-rate keeps the upload in flight for a few seconds.
curl -s -o /dev/null --max-time 60 --limit-rate 1M -u "$CREDS" -X PUT \
  --data-binary @"$TEST_TMP/big.bin" "http://$REG$location?digest=$big_digest" &
upload_pid=$!
sleep 1.5
started=$(date +%s%N)
kill -TERM "$DAEMON_PID"
for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
stopped_ms=$((($(date +%s%N) - started) / 1000000))
check "SIGTERM stops the daemon within 5 s (took ${stopped_ms} ms)" \
  bash -c "! kill -0 $DAEMON_PID 2>/dev/null && [[ $stopped_ms -lt 5000 ]]"
wait "$DAEMON_PID" 2>/dev/null; exit_code=$?
expect_eq "the daemon exits 0 on SIGTERM" "0" "$exit_code"
DAEMON_PID=""
wait "$upload_pid" 2>/dev/null
check "the in-flight blob was not stored" \
  bash -c "[[ ! -e '$UKC_DATA/registry/blobs/sha256/${big_digest:7:2}/${big_digest#sha256:}' ]]"
check "the log says why it stopped" grep -q "received SIGTERM, shutting down" "$TEST_TMP/daemon.log"

# Restart on the same data dir: the finished blob is served, no upload is left behind.
ukc_start_daemon
check "after restart the finished blob is served byte-identical" bash -c \
  "curl -fsS --max-time 5 -u '$CREDS' 'http://$REG/v2/local/life/blobs/$keep_digest' | cmp - '$TEST_TMP/keep.txt'"
check "after restart the interrupted blob is unknown" bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' \
  --max-time 5 -u '$CREDS' --head 'http://$REG/v2/local/life/blobs/$big_digest') == 404 ]]"
check "no upload temp file is left" bash -c "[[ -z \$(ls -A '$UKC_DATA/registry/uploads') ]]"

ukc_finish
