#!/bin/bash
# vm_snapshot.sh: a running VM saved with QemuVmm::Snapshot (QMP migrate to a file) and resumed
# with -incoming keeps its memory: a Python HTTP server counting requests in a variable answers
# 1, 2 before the snapshot and 3 after the restore, on a fresh hostfwd port. Driven through
# `ukc-emu vm run --snapshot-to FILE` (SIGUSR1) and `vm run --restore FILE`.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/vm_lib.sh"

UKC_DATA=$TEST_TMP/data
timeout 900 "$UKC_EMU" runtime build --data-dir "$UKC_DATA" python:3.12 \
  >"$W/build.out" 2>"$W/build.err" || { tail -20 "$W/build.err"; die "runtime build failed"; }

APP='import http.server as h
n = [0]
class C(h.BaseHTTPRequestHandler):
    def do_GET(self):
        n[0] += 1
        body = str(n[0]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
h.HTTPServer(("", 8080), C).serve_forever()'
SNAP=$W/counter.snapshot
get() { curl -s -m 5 "http://127.0.0.1:$1/"; }

start_vm counter official/python:3.12 -m 256 -p 8080 --snapshot-to "$SNAP" -- /usr/bin/python3 -c "$APP"
host=$(wait_port 8080) || host=
check "counter: booted, port forwarded" test -n "$host"
check "counter: serving" http_200 "${host:-0}"
first=$(get "$host"); second=$(get "$host")
# (> rather than +1: a readiness probe that timed out on the client may still be served late)
check "counter counts in memory before the snapshot" test "${second:-0}" -gt "${first:-0}"
t0=$(date +%s%N)
pkill -USR1 -P "$VPID"  # ukc-emu itself, not the `timeout` wrapper
wait_exit "$VPID" 120
echo "# snapshot took $(( ($(date +%s%N) - t0) / 1000000 )) ms, $(du -h "$SNAP" 2>/dev/null | cut -f1)"
expect_eq "vm run ends with 0 after the snapshot" 0 "$RC"
check "snapshot file written" test -s "$SNAP"
check "no temp file left" test ! -e "$SNAP.tmp"
check "vm run reports the snapshot" grep -q "snapshot saved" "$ERR"
expect_eq "no qemu process left after the snapshot" 0 "$(qemu_count)"

t0=$(date +%s%N)
start_vm restored official/python:3.12 -m 256 -p 8080 --restore "$SNAP"
host2=$(wait_port 8080) || host2=
check "restore: fresh port forwarded" test -n "$host2"
check "restore: serving" http_200 "${host2:-0}"
echo "# restore → first 200: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
third=$(get "$host2")
expect_eq "the counter survived the snapshot" "$(( second + 2 ))" "$third"
kill -INT "$VPID"
wait_exit "$VPID" 40
check "restored VM stops on SIGINT" test "$RC" != timeout
expect_eq "no qemu process left" 0 "$(qemu_count)"
ukc_finish
