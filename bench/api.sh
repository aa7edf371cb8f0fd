#!/bin/bash
# bench/api.sh [SECONDS]: the platform API's speed on 2 cores, with the FakeVmm behind the
# controller (UKC_VMM=fake: no QEMU, so only the API and the controller are measured).
#  1. create 1,000 instances (autostart false) one after another over one keep-alive connection:
#     the controller's time per create (op_time_us, server side) and the client's wall time;
#  2. wrk (2 threads, 16 connections, SECONDS each, default 10) on GET /v1/instances listing all
#     1,000, on GET /v1/instances with a one-name body (kraftkit's lookup), and on
#     GET /v1/users/quotas: requests/s and p50/p99 latency;
#  3. create → running with the FakeVmm: 200 creates with autostart and wait_timeout_ms, the
#     server's op_time_us per create (launch + first supervisor pass included).
# Targets (issue 4): ≥ 10,000 req/s and p99 ≤ 5 ms; controller overhead per create ≤ 5 ms.
# Env: UKC_EMU (default build/bin/ukc-emu). Needs wrk, skopeo, python3.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_RUN=${1:-10}
source "$ROOT/tests/e2e/lib.sh"
containers_sandbox
UKC_VMM=fake UKC_LOG_LEVEL=warn ukc_start_daemon --quota-instances 5000 --quota-live-memory-mb 100000000 \
  --quota-live-vcpus 100000
push_test_image local/bench:latest >/dev/null
W=$TEST_TMP/bench; mkdir -p "$W"

python3 - "$API" "$UKC_TOKEN" >"$W/creates.txt" <<'PY'
import http.client, json, sys, time, statistics as st
api, token = sys.argv[1], sys.argv[2]
host, port = api.split(":")
conn = http.client.HTTPConnection(host, int(port))
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def create(body):
    t0 = time.perf_counter()
    conn.request("POST", "/v1/instances", json.dumps(body), headers)
    r = json.loads(conn.getresponse().read())
    wall = (time.perf_counter() - t0) * 1000
    item = r["data"]["instances"][0]
    assert item["status"] == "success", item
    return r["op_time_us"] / 1000, wall, item
def summary(name, values):
    values = sorted(values)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    print(f"{name} n={len(values)} p50={p(0.5):.2f}ms p99={p(0.99):.2f}ms mean={st.mean(values):.2f}ms")
ops, walls = [], []
for i in range(1000):
    op, wall, _ = create({"image": "local/bench:latest", "autostart": False,
                          "env": {"N": str(i)}, "restart_policy": "never"})
    ops.append(op); walls.append(wall)
summary("create (stopped) server", ops)
summary("create (stopped) wall  ", walls)
ops, walls, states = [], [], []
for i in range(200):
    op, wall, item = create({"image": "local/bench:latest", "autostart": True,
                             "wait_timeout_ms": 5000})
    ops.append(op); walls.append(wall); states.append(item["state"])
summary("create->running server ", ops)
summary("create->running wall   ", walls)
print("create->running states:", {s: states.count(s) for s in set(states)})
PY
cat "$W/creates.txt"
NAME=$(curl -s -H "Authorization: Bearer $UKC_TOKEN" "http://$API/v1/instances?count=1" | jq -r '.data.instances[0].name')
COUNT=$(curl -s -H "Authorization: Bearer $UKC_TOKEN" "http://$API/v1/instances" | jq '.data.instances | length')
echo "instances in the store: $COUNT"

cat >"$W/get-one.lua" <<LUA
wrk.method = "GET"
wrk.body = '[{"name":"$NAME"}]'
wrk.headers["Content-Type"] = "application/json"
LUA
run_wrk() {  # run_wrk LABEL PATH [LUA]
  local out=$W/wrk.out
  wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -H "Authorization: Bearer $UKC_TOKEN" \
    ${3:+-s "$3"} "http://$API$2" >"$out" 2>&1
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  errors=$(grep -E 'Non-2xx|Socket errors' "$out" | tr '\n' ' ')
  printf '%-34s %10s req/s  p50 %-8s p99 %-8s %s\n' "$1" "$rps" "$p50" "$p99" "$errors"
}
echo "wrk -t2 -c16 -d${SECONDS_PER_RUN}s:"
run_wrk "GET /v1/instances (all $COUNT)" /v1/instances
run_wrk "GET /v1/instances [{name}]" /v1/instances "$W/get-one.lua"
run_wrk "GET /v1/users/quotas" /v1/users/quotas
