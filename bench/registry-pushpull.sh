#!/usr/bin/env bash
# registry-pushpull.sh — ukc-emu's registry side by side with CNCF distribution (Debian's
# docker-registry 2.8.2), in one run: skopeo push and pull of a fresh 200 MiB, 5-layer image, plus
# 10 small pushes at once, alternating between the two servers RUNS times. Prints each figure's
# median for both and the ratio ours/theirs, with server CPU seconds per push/pull and peak RSS.
#
# Usage: bench/registry-pushpull.sh [RUNS]        (default 3; needs a built build/bin/ukc-emu)
# Environment: SIZE_MB (200), LAYERS (5), SCRATCH (${TMPDIR:-/tmp}/ukc-bench), UKC_EMU.
set -euo pipefail

RUNS=${1:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ANCHOR="$ROOT/bench/anchor"
UKC_EMU=${UKC_EMU:-$ROOT/build/bin/ukc-emu}
export SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/ukc-bench}
export SIZE_MB=${SIZE_MB:-200} LAYERS=${LAYERS:-5}
mkdir -p "$SCRATCH/results"
STAMP=$(date +%Y%m%d-%H%M%S)
THEIRS="$SCRATCH/results/distribution-$STAMP.txt"
OURS="$SCRATCH/results/ukc-emu-$STAMP.txt"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
proc_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# CNCF distribution, configured as the anchor script does.
DIST_ADDR=127.0.0.1:$(free_port)
DIST_DATA="$SCRATCH/dist-data"
rm -rf "$DIST_DATA" && mkdir -p "$DIST_DATA"
cat >"$SCRATCH/dist-config.yml" <<CONF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $DIST_DATA
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $DIST_ADDR
CONF
/usr/bin/docker-registry serve "$SCRATCH/dist-config.yml" >"$SCRATCH/dist.log" 2>&1 &
DIST_PID=$!

# ukc-emu on free ports, fresh data dir.
UKC_DATA="$SCRATCH/ukc-data"
rm -rf "$UKC_DATA"
"$UKC_EMU" up --data-dir "$UKC_DATA" --registry-addr 127.0.0.1:0 --api-addr 127.0.0.1:0 \
  --proxy-http-addr 127.0.0.1:0 --proxy-tls-addr 127.0.0.1:0 \
  --log-level warn >"$SCRATCH/ukc-emu.log" 2>&1 &
UKC_PID=$!
stop() { kill "$DIST_PID" "$UKC_PID" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT

for _ in $(seq 1 100); do
  [[ -s "$UKC_DATA/run/daemon.json" ]] && curl -s -o /dev/null --max-time 1 "http://$DIST_ADDR/v2/" &&
    break
  sleep 0.1
done
eval "$("$UKC_EMU" env --data-dir "$UKC_DATA")"
UKC_CREDS=$(printf '%s' "$UKC_TOKEN" | base64 -d)
echo "distribution=$("/usr/bin/docker-registry" --version | awk '{print $NF}') addr=$DIST_ADDR pid=$DIST_PID"
echo "ukc-emu addr=$UKC_REGISTRY pid=$UKC_PID"
echo "skopeo=$(skopeo --version | awk '{print $NF}') size_mb=$SIZE_MB layers=$LAYERS runs=$RUNS"

for ((n = 1; n <= RUNS; n++)); do
  echo "# run $n/$RUNS" >&2
  SERVER_PID=$DIST_PID "$ANCHOR/registry-pushpull.sh" "$DIST_ADDR" "$n" >>"$THEIRS"
  SERVER_PID=$UKC_PID REG_CREDS="$UKC_CREDS" REPO_PREFIX=local \
    "$ANCHOR/registry-pushpull.sh" "$UKC_REGISTRY" "$n" >>"$OURS"
done
echo "server_vmhwm_kb=$(proc_kb "$DIST_PID" VmHWM)" >>"$THEIRS"
echo "server_vmhwm_kb=$(proc_kb "$UKC_PID" VmHWM)" >>"$OURS"

python3 - "$THEIRS" "$OURS" <<'PY'
import statistics, sys
def load(path):
    values = {}
    for line in open(path):
        for field in line.split():
            if "=" in field:
                k, v = field.split("=", 1)
                try: number = float(v)
                except ValueError: continue
                values.setdefault(k, []).append(number)
    return {k: statistics.median(v) for k, v in values.items()}
theirs, ours = load(sys.argv[1]), load(sys.argv[2])
keys = ["push_s", "pull_s", "small_push_wall_s", "push_server_cpu_s", "pull_server_cpu_s",
        "small_push_wall_server_cpu_s", "push_client_cpu_s", "pull_client_cpu_s", "server_vmhwm_kb"]
targets = {"push_s": 0.7, "pull_s": 0.95, "push_server_cpu_s": 0.3, "pull_server_cpu_s": 0.3,
           "server_vmhwm_kb": 0.5}
print(f"{'figure (median)':32} {'distribution':>13} {'ukc-emu':>10} {'ratio':>7} target")
for k in keys:
    if k not in theirs or k not in ours: continue
    ratio = ours[k] / theirs[k] if theirs[k] else float("nan")
    target = targets.get(k)
    verdict = "" if target is None else (f"<= {target} " + ("ok" if ratio <= target else "MISSED"))
    print(f"{k:32} {theirs[k]:13.3f} {ours[k]:10.3f} {ratio:7.2f} {verdict}")
PY
echo "raw: $THEIRS $OURS"
