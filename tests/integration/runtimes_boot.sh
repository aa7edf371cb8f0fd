#!/bin/bash
# runtimes_boot.sh: the official runtimes, as `ukc-emu runtime build` packs them, boot under real
# QEMU with `ukc-emu vm run` and answer curl through their hostfwd port: Python's http.server on
# python:3.12, the nginx runtime's own config, and a Node.js server on node. Each stops
# gracefully on SIGINT and leaves no QEMU behind.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/vm_lib.sh"

UKC_DATA=$TEST_TMP/data
timeout 900 "$UKC_EMU" runtime build --data-dir "$UKC_DATA" python:3.12 nginx node \
  >"$W/build.out" 2>"$W/build.err" || { tail -20 "$W/build.err"; die "runtime build failed"; }

# boot NAME PORT IMAGE ARGS...: vm run, wait for 200 on PORT, then SIGINT; checks along the way.
boot() {
  local name=$1 port=$2; shift 2
  start_vm "$name" "$@"
  local host; host=$(wait_port "$port") || host=
  check "$name: vm run prints the forwarded port" test -n "$host"
  check "$name: curl through the hostfwd port answers 200" http_200 "${host:-0}"
  cp "$W/body" "$W/$name.body" 2>/dev/null
  kill -INT "$VPID"
  wait_exit "$VPID" 40
  check "$name: SIGINT stops the VM (vm run exited: $RC)" test "$RC" != timeout
  expect_eq "$name: no qemu process left" 0 "$(qemu_count)"
}

boot python 8080 official/python:3.12 -m 256 -p 8080 -- /usr/bin/python3 -m http.server 8080
check "python: the directory listing came from http.server" grep -q "Directory listing" "$W/python.body"
check "python: http.server's request log is on the console" grep -q '"GET / HTTP/1.1" 200' "$W/python.out"

boot nginx 8080 official/nginx:latest -m 128 -p 8080
check "nginx: access log line on the console" grep -q '"GET / HTTP/1.1" 200' "$W/nginx.out"

boot node 8080 official/node:latest -m 512 -p 8080 -e GREETING=hello -- /usr/bin/node -e \
  "require('http').createServer((q,s)=>s.end(process.env.GREETING+' from node '+process.version)).listen(8080)"
check "node: env reaches the app" grep -q "^hello from node v18" "$W/node.body"

ukc_finish
