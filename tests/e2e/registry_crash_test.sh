#!/usr/bin/env bash
# E2E: the registry survives kill -9 in the middle of concurrent pushes.
#  1. start 10 concurrent `skopeo copy` pushes of distinct multi-layer images. Pushes 0-3 go
#     straight to the registry; pushes 4-9 go through a relay that paces uploads (so they are
#     guaranteed to be mid-upload when the daemon dies, however fast loopback is);
#  2. once the direct pushes have finished and relayed blob uploads are half-way through their
#     bodies (the relay counts them), let 2 more seconds pass (so some relayed layers are
#     committed and others partly written), then kill -9 the daemon;
#  3. restart it on the same data dir: every push that exited 0 pulls back byte-identical;
#     every file in the blob store that is named by a digest hashes to that digest (no partial
#     blob ever appears under a digest name);
#  4. push all 10 again: all succeed and pull back byte-identical.
# Needs: skopeo, python3, jq (scripts/install-deps.sh --test).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools" && pwd)

N=10
NDIRECT=4
RELAY_RATE=$((256 * 1024)) # bytes/s per connection for the relayed pushes
RELAY_PID=""
PUSH_PIDS=()

SK_TIMEOUT=${SK_TIMEOUT:-120}
containers_sandbox
field() { sed -n "s/^$1=//p" "$2" | head -1; }

crash_cleanup() {
  local p
  for p in "${PUSH_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [[ -n "$RELAY_PID" ]] && kill "$RELAY_PID" 2>/dev/null
  for p in "${PUSH_PIDS[@]}" $RELAY_PID; do wait "$p" 2>/dev/null; done
  ukc_cleanup
}
trap crash_cleanup EXIT

# Distinct images: direct ones small (3 layers), relayed ones a bit larger (4 layers).
for i in $(seq 0 $((N - 1))); do
  if ((i < NDIRECT)); then sizes=0.5,1,1; else sizes=0.75,1,1.25,1.5; fi
  python3 "$TOOLS/make-oci-layout.py" "$TEST_TMP/src$i" --tag v1 --layer-mb "$sizes" >"$TEST_TMP/src$i.out" ||
    { echo "make-oci-layout failed"; exit 1; }
  SRC_DIGEST[i]=$(field manifest "$TEST_TMP/src$i.out")
done

ukc_start_daemon
echo "# registry $REG, data $UKC_DATA"
REG1=$REG

python3 "$TOOLS/slow-relay.py" "$REG1" "$RELAY_RATE" "$TEST_TMP/relay.port" >"$TEST_TMP/relay.log" 2>&1 &
RELAY_PID=$!
for _ in $(seq 1 100); do [[ -s "$TEST_TMP/relay.port" ]] && break; sleep 0.05; done
RELAY=127.0.0.1:$(cat "$TEST_TMP/relay.port" 2>/dev/null)
check "throttling relay is listening ($RELAY -> $REG1)" test -s "$TEST_TMP/relay.port"

# push I HOST: background skopeo push of image I; exit code lands in $TEST_TMP/push$I.rc.
push() {
  local i=$1 host=$2
  (
    sk copy --preserve-digests --dest-tls-verify=false --dest-creds "$CREDS" \
      --digestfile "$TEST_TMP/push$i.digest" "oci:$TEST_TMP/src$i:v1" "docker://$host/local/crash$i:v1" \
      >"$TEST_TMP/push$i.log" 2>&1
    echo $? >"$TEST_TMP/push$i.rc.tmp" && mv "$TEST_TMP/push$i.rc.tmp" "$TEST_TMP/push$i.rc"
  ) &
  PUSH_PIDS+=($!)
}
for i in $(seq 0 $((N - 1))); do
  if ((i < NDIRECT)); then push "$i" "$REG1"; else push "$i" "$RELAY"; fi
done

# Wait (bounded) for the direct pushes to finish.
for _ in $(seq 1 600); do
  done_direct=0
  for i in $(seq 0 $((NDIRECT - 1))); do [[ -f "$TEST_TMP/push$i.rc" ]] && done_direct=$((done_direct + 1)); done
  ((done_direct == NDIRECT)) && break
  sleep 0.1
done
# Then until at least 3 blob uploads are half-way through the relay (bounded: 15 s).
for _ in $(seq 1 150); do
  (($(cat "$TEST_TMP/relay.port.active" 2>/dev/null || echo 0) >= 3)) && break
  sleep 0.1
done
sleep 2
uploads_mid_body=$(cat "$TEST_TMP/relay.port.active" 2>/dev/null || echo 0)
UPLOADS=$UKC_DATA/registry/uploads
partial_files=$(find "$UPLOADS" -type f -size +0 2>/dev/null | wc -l)
in_flight_at_kill=0
for i in $(seq 0 $((N - 1))); do [[ -f "$TEST_TMP/push$i.rc" ]] || in_flight_at_kill=$((in_flight_at_kill + 1)); done

ukc_kill9_daemon
echo "# kill -9 with $in_flight_at_kill pushes in flight, $uploads_mid_body blob upload bodies half-sent, $partial_files non-empty file(s) in registry/uploads"

# Every push ends (relayed ones see the connection drop); none may hang.
for p in "${PUSH_PIDS[@]}"; do wait "$p" 2>/dev/null; done
PUSH_PIDS=()
kill "$RELAY_PID" 2>/dev/null; wait "$RELAY_PID" 2>/dev/null; RELAY_PID=""

COMPLETED=()
FAILED_PUSHES=()
for i in $(seq 0 $((N - 1))); do
  rc=$(cat "$TEST_TMP/push$i.rc" 2>/dev/null || echo none)
  if [[ "$rc" == 0 ]]; then COMPLETED+=("$i"); else FAILED_PUSHES+=("$i"); fi
done
echo "# completed before the crash: ${COMPLETED[*]:-none}; interrupted: ${FAILED_PUSHES[*]:-none}"
expect_eq "all $NDIRECT direct pushes completed before the kill" "$NDIRECT" "$done_direct"
for i in $(seq 0 $((NDIRECT - 1))); do
  expect_eq "direct push $i exited 0" "0" "$(cat "$TEST_TMP/push$i.rc" 2>/dev/null)"
done
check "some pushes were still in flight at the kill ($in_flight_at_kill)" test "$in_flight_at_kill" -ge 1
check "blob uploads were half-way through their body at the kill ($uploads_mid_body)" test "$uploads_mid_body" -ge 1

# ---------------------------------------------------------------------------------------------
# Restart on the same data dir.
ukc_start_daemon
echo "# restarted: registry $REG"
check "daemon restarted after kill -9 and answers /v2/" \
  bash -c '[[ "$(curl -s -o /dev/null -w "%{http_code}" -u "$1" "http://$2/v2/")" == 200 ]]' _ "$CREDS" "$REG"

for i in "${COMPLETED[@]}"; do
  expect_eq "completed push $i: digest written by skopeo" "${SRC_DIGEST[i]}" "$(cat "$TEST_TMP/push$i.digest" 2>/dev/null)"
  check "completed push $i pulls back after the crash" \
    sk copy --preserve-digests --src-tls-verify=false --src-creds "$CREDS" \
      "docker://$REG/local/crash$i:v1" "oci:$TEST_TMP/back$i:v1"
  check "completed push $i is byte-identical after the crash" \
    python3 "$TOOLS/verify-oci-layout.py" "$TEST_TMP/back$i" --tag v1 --expect-manifest "${SRC_DIGEST[i]}" \
      --same-blobs-as "$TEST_TMP/src$i" --src-tag v1
done

# Blob store: <data>/registry/blobs/<alg>/<first two hex>/<hex> (emulator/store/data_dir.h).
BLOBS=$UKC_DATA/registry/blobs
cat >"$TEST_TMP/check-store.py" <<'EOF'
import hashlib, os, re, sys
root, min_count = sys.argv[1], int(sys.argv[2])
hexre = re.compile(r"^(sha256:)?([0-9a-f]{64})$")
bad, named, other = [], 0, []
for d, _, files in os.walk(root):
    for name in files:
        p = os.path.join(d, name)
        m = hexre.match(name)
        if not m:
            other.append(os.path.relpath(p, root))
            continue
        named += 1
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for b in iter(lambda: f.read(1 << 20), b""):
                h.update(b)
        if h.hexdigest() != m.group(2):
            bad.append("%s (%d bytes) hashes to sha256:%s" % (os.path.relpath(p, root), os.path.getsize(p), h.hexdigest()))
        rel = os.path.relpath(p, root).split(os.sep)
        if len(rel) != 3 or rel[0] != "sha256" or rel[1] != m.group(2)[:2]:
            bad.append("%s is not at sha256/<2 hex>/<hex>" % os.path.relpath(p, root))
for o in other:
    print("note: non-digest file in blob store: %s" % o)
print("digest-named files: %d, mismatches: %d" % (named, len(bad)))
for b in bad:
    print("MISMATCH: " + b)
if named < min_count:
    print("expected at least %d digest-named blobs under %s" % (min_count, root))
    sys.exit(1)
sys.exit(1 if bad else 0)
EOF
min_blobs=0
for i in "${COMPLETED[@]}"; do min_blobs=$((min_blobs + $(find "$TEST_TMP/src$i/blobs/sha256" -type f | wc -l))); done
check "every digest-named file in the blob store hashes to its name (>= $min_blobs files)" \
  python3 "$TEST_TMP/check-store.py" "$BLOBS" "$min_blobs"
sed 's/^/# /' "$TEST_TMP/check.out" | grep -v '^# MISMATCH' | head -5

# Interrupted pushes left nothing visible under their tag unless their manifest was stored.
for i in "${FAILED_PUSHES[@]}"; do
  if sk inspect --raw --tls-verify=false --creds "$CREDS" "docker://$REG/local/crash$i:v1" >"$TEST_TMP/ip$i.raw" 2>/dev/null; then
    expect_eq "interrupted push $i: if tagged, the manifest is the full one" "${SRC_DIGEST[i]}" \
      "$(sha256sum "$TEST_TMP/ip$i.raw" | awk '{print "sha256:" $1}')"
  fi
done

# ---------------------------------------------------------------------------------------------
# Push all 10 again (concurrently, straight to the restarted daemon), then pull back.
PUSH_PIDS=()
for i in $(seq 0 $((N - 1))); do rm -f "$TEST_TMP/push$i.rc" "$TEST_TMP/push$i.digest"; push "$i" "$REG"; done
for p in "${PUSH_PIDS[@]}"; do wait "$p" 2>/dev/null; done
PUSH_PIDS=()
for i in $(seq 0 $((N - 1))); do
  rc=$(cat "$TEST_TMP/push$i.rc" 2>/dev/null || echo none)
  expect_eq "re-push $i after restart exits 0" "0" "$rc"
  [[ "$rc" == 0 ]] || sed 's/^/       /' "$TEST_TMP/push$i.log" | tail -5
  rm -rf "$TEST_TMP/back$i"
  check "re-pushed image $i pulls back" \
    sk copy --preserve-digests --src-tls-verify=false --src-creds "$CREDS" \
      "docker://$REG/local/crash$i:v1" "oci:$TEST_TMP/back$i:v1"
  check "re-pushed image $i is byte-identical" \
    python3 "$TOOLS/verify-oci-layout.py" "$TEST_TMP/back$i" --tag v1 --expect-manifest "${SRC_DIGEST[i]}" \
      --same-blobs-as "$TEST_TMP/src$i" --src-tag v1
done
min_blobs=0
for i in $(seq 0 $((N - 1))); do min_blobs=$((min_blobs + $(find "$TEST_TMP/src$i/blobs/sha256" -type f | wc -l))); done
check "blob store still consistent after the re-push (>= $min_blobs files)" \
  python3 "$TEST_TMP/check-store.py" "$BLOBS" "$min_blobs"

# On failure, the daemon's 5xx answers and warnings help more than the log's last lines.
if ((FAILED)); then
  echo "--- daemon log: 5xx responses, warnings, errors"
  grep -E ' 5[0-9]{2} [0-9]+us|WARN|ERROR' "$TEST_TMP/daemon.log" | tail -30
fi
ukc_finish
