#!/usr/bin/env bash
# bench/proxy.sh [RUNS]: the service proxy's throughput next to nginx's, in the same runs.
# An nginx backend serves a 13-byte file on 127.0.0.1:18080; wrk -t2 -c64 (10 s each) measures it
#   direct, through nginx as keepalive reverse proxy (anchor, :18081), then through our proxy
#   (`ukc-emu proxy-bench`: one static route to the same backend) with its default io threads (a
#   quarter of the cores, at least 1) on its HTTP port (:18082) and its TLS port (:18443), through
#   nginx terminating TLS (:18445, the anchor for our TLS port), and through our proxy with
#   ALT_THREADS io threads (default 2; :18084 / :18444) for reference. Each of ours is measured
#   right after its anchor, so the host's drift between the two stays small.
# Target: ours ≥ 1.2 × nginx req/s with p99 ≤ nginx's (on the 2-core box wrk, backend and proxy
# share). Prints the anchor's key=value lines, then "proxy:" lines with per-run ratios to nginx
# and their medians (also scaled by the CPU steal each measurement saw), the CPU time each server
# spent per request (the processes listening on its port, from /proc), and the steal shares.
# Env: UKC_EMU (default build/bin/ukc-emu), SCRATCH, WRK_DURATION, ALT_THREADS.
# Needs: nginx, wrk, curl, openssl, python3, ss (apt-get install --no-install-recommends nginx wrk curl iproute2).
set -euo pipefail
RUNS=${1:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
UKC_EMU=${UKC_EMU:-$ROOT/build/bin/ukc-emu}
export SCRATCH=${SCRATCH:-${TMPDIR:-/tmp}/ukc-bench}
export BACKEND_ADDR=127.0.0.1:18080 PROXY_ADDR=127.0.0.1:18081
for tool in nginx wrk curl openssl python3 ss; do
  command -v "$tool" >/dev/null || { echo "proxy.sh: needs $tool" >&2; exit 2; }
done
[[ -x "$UKC_EMU" ]] || { echo "proxy.sh: no $UKC_EMU (build it, or set UKC_EMU)" >&2; exit 2; }
mkdir -p "$SCRATCH/results"
CA_DIR="$SCRATCH/proxy-ca"
OUT="$SCRATCH/results/ukc-proxy-$(date +%Y%m%d-%H%M%S).txt"

PIDS=()
stop() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || continue
    wait "$pid" 2>/dev/null || true
  done
}
trap stop EXIT

start_proxy() {  # start_proxy NAME HTTP_ADDR TLS_ADDR [--threads N]
  local name=$1 http=$2 tls=$3
  shift 3
  "$UKC_EMU" proxy-bench --backend "$BACKEND_ADDR" --ca-dir "$CA_DIR" "$@" \
    --http-addr "$http" --tls-addr "$tls" >"$SCRATCH/proxy-bench-$name.log" 2>&1 &
  PIDS+=($!)
  local i
  for ((i = 0; i < 50; i++)); do
    grep -q '^proxy-bench:' "$SCRATCH/proxy-bench-$name.log" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$SCRATCH/proxy-bench-$name.log" >&2
  return 1
}

# nginx as TLS-terminating keepalive proxy (:18445), the anchor for our TLS port: a P-256
# certificate for 127.0.0.1 signed by the same local CA, TLS 1.2/1.3, one worker.
start_nginx_tls() {
  local p="$SCRATCH/nginx-tls-proxy" d
  mkdir -p "$p/tmp"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
    -keyout "$p/key.pem" -out "$p/csr.pem" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$p/ext.cnf"
  openssl x509 -req -in "$p/csr.pem" -CA "$CA_DIR/ca.pem" -CAkey "$CA_DIR/ca.key" \
    -CAcreateserial -days 2 -extfile "$p/ext.cnf" -out "$p/cert.pem" 2>/dev/null
  {
    echo "worker_processes ${PROXY_WORKERS:-1}; daemon off; pid $p/nginx.pid;"
    echo "error_log $p/error.log warn; events { worker_connections 4096; }"
    echo "http {"
    for d in client_body proxy fastcgi uwsgi scgi; do echo "  ${d}_temp_path $p/tmp/$d;"; done
    cat <<CONF
  access_log off;
  keepalive_requests 1000000;
  upstream backend { server $BACKEND_ADDR; keepalive 64; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:18445 ssl;
    ssl_certificate $p/cert.pem;
    ssl_certificate_key $p/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
  } >"$p/nginx.conf"
  nginx -t -q -p "$p" -e "$p/error.log" -c "$p/nginx.conf"
  nginx -p "$p" -e "$p/error.log" -c "$p/nginx.conf" &
  PIDS+=($!)
}

ALT_THREADS=${ALT_THREADS:-2}
start_proxy default 127.0.0.1:18082 127.0.0.1:18443
start_proxy alt 127.0.0.1:18084 127.0.0.1:18444 --threads "$ALT_THREADS"
start_nginx_tls
grep -h '^proxy-bench:' "$SCRATCH/proxy-bench-default.log" "$SCRATCH/proxy-bench-alt.log"
# The TLS ports present the CA's certificate for localhost/127.0.0.1: curl's body check verifies
# it (wrk does not verify).
export CURL_CA_BUNDLE="$CA_DIR/ca.pem"
# wrk runs through a wrapper that logs the CPU steal during each measurement (/proc/stat: time the
# host gave this machine's vCPUs to others). On a shared host it moves req/s by ±15%, differently
# for the two sides of a pair; the summary shows it and the ratios with req/s scaled by it.
STEAL_LOG="$SCRATCH/results/steal-$(date +%Y%m%d-%H%M%S).log"
mkdir -p "$SCRATCH/wrk-wrapper"
cat >"$SCRATCH/wrk-wrapper/wrk" <<WRAPPER
#!/usr/bin/env bash
cpu() { read -r _ a b c d e f g h _ </proc/stat; echo "\$h \$((a + b + c + d + e + f + g + h))"; }
server_ticks() {  # CPU ticks used so far by the processes listening on port \$1
  local pid sum=0
  for pid in \$(ss -Hltnp "sport = :\$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    sum=\$((sum + \$(sed 's/.*) //' /proc/\$pid/stat | awk '{print \$12 + \$13}')))
  done
  echo \$sum
}
url=\${*: -1}
port=\${url##*:}
port=\${port%%/*}
read -r s0 t0 < <(cpu)
p0=\$(server_ticks "\$port")
"$(command -v wrk)" "\$@"
rc=\$?
read -r s1 t1 < <(cpu)
p1=\$(server_ticks "\$port")
echo "\$url \$((s1 - s0)) \$((t1 - t0)) \$((p1 - p0))" >>"$STEAL_LOG"
exit \$rc
WRAPPER
chmod +x "$SCRATCH/wrk-wrapper/wrk"
: >"$STEAL_LOG"
PATH="$SCRATCH/wrk-wrapper:$PATH" "$ROOT/bench/anchor/nginx-proxy-anchor.sh" "$RUNS" \
  http://127.0.0.1:18082/hello.txt https://127.0.0.1:18443/hello.txt \
  https://127.0.0.1:18445/hello.txt \
  http://127.0.0.1:18084/hello.txt https://127.0.0.1:18444/hello.txt | tee "$OUT"

# proxy = nginx; proxy2/3 = ours (default threads) HTTP/TLS; proxy4 = nginx TLS;
# proxy5/6 = ours (ALT_THREADS) HTTP/TLS. HTTP figures are compared with nginx, TLS ones with
# nginx TLS. "steal_adj" ratios compare req/s per CPU-second the host actually gave
# (rps / (1 - steal share)); the plain ratios are the target's measure.
python3 - "$OUT" "$ALT_THREADS" "$STEAL_LOG" <<'PY'
import os, re, statistics, sys
runs, cur = [], None
for line in open(sys.argv[1]):
    if line.startswith("# run"):
        cur = {}
        runs.append(cur)
    elif cur is not None and not line.startswith("summary"):
        for k, v in re.findall(r"(\w+)=([0-9.]+)", line):
            cur[k] = float(v)
prefix_by_port = {"18080": "direct", "18081": "proxy", "18082": "proxy2", "18443": "proxy3",
                  "18445": "proxy4", "18084": "proxy5", "18444": "proxy6"}
# steal[run][prefix]: share of CPU time stolen during that measurement; ticks[run][prefix]: CPU
# ticks the server under test (the processes listening on its port) used meanwhile.
steal, ticks = [], []
for line in open(sys.argv[3]):
    url, stolen, total, used = line.split()
    prefix = prefix_by_port.get(url.split(":")[-1].split("/")[0])
    if prefix == "direct":
        steal.append({})
        ticks.append({})
    if prefix and steal and int(total) > 0:
        steal[-1][prefix] = int(stolen) / int(total)
        ticks[-1][prefix] = int(used)

def med(xs):
    return statistics.median(xs) if xs else float("nan")

alt = sys.argv[2]
names = {"2": ("ours_http", ""), "3": ("ours_tls", "4"), "5": (f"ours_http_{alt}t", ""),
         "6": (f"ours_tls_{alt}t", "4")}
for n, (name, anchor) in names.items():
    ours, base = f"proxy{n}", f"proxy{anchor}"
    pairs = [(i, r) for i, r in enumerate(runs) if f"{ours}_rps" in r and f"{base}_rps" in r]
    if not pairs:
        continue
    ratios = [r[f"{ours}_rps"] / r[f"{base}_rps"] for _, r in pairs]
    adjusted = [x * (1 - steal[i][base]) / (1 - steal[i][ours]) for x, (i, _) in zip(ratios, pairs)
                if i < len(steal) and ours in steal[i] and base in steal[i]]
    print(f"proxy: {name} rps_median={med([r[f'{ours}_rps'] for _, r in pairs]):.0f} "
          f"vs_{'nginx_tls' if anchor else 'nginx'}_median={med(ratios):.3f} "
          f"runs={','.join(f'{x:.3f}' for x in ratios)} "
          f"p99_ms_median={med([r[f'{ours}_p99_ms'] for _, r in pairs]):.2f} "
          f"steal_adj_median={med(adjusted):.3f} "
          f"steal_adj_runs={','.join(f'{x:.3f}' for x in adjusted)}")
for prefix, name in (("proxy", "nginx"), ("proxy4", "nginx_tls")):
    rps = [r[f"{prefix}_rps"] for r in runs if f"{prefix}_rps" in r]
    if rps:
        p99 = [r[f"{prefix}_p99_ms"] for r in runs if f"{prefix}_p99_ms" in r]
        print(f"proxy: {name} rps_median={med(rps):.0f} p99_ms_median={med(p99):.2f}")
direct = [r["direct_rps"] for r in runs if "direct_rps" in r]
print(f"proxy: direct rps_median={med(direct):.0f}")
tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
cpu = {}  # µs of the server's CPU per request, per prefix
for i, r in enumerate(runs):
    for p in prefix_by_port.values():
        if i < len(ticks) and p in ticks[i] and r.get(f"{p}_requests"):
            cpu.setdefault(p, []).append(ticks[i][p] * tick_us / r[f"{p}_requests"])
label = {"direct": "backend_direct", "proxy": "nginx", "proxy2": "ours_http", "proxy3": "ours_tls",
         "proxy4": "nginx_tls", "proxy5": f"ours_http_{alt}t", "proxy6": f"ours_tls_{alt}t"}
print("proxy: cpu_us_per_request_median " +
      " ".join(f"{label[p]}={med(v):.1f}" for p, v in cpu.items()))
shares = {p: [s[p] * 100 for s in steal if p in s] for p in prefix_by_port.values()}
print("proxy: steal_pct " + " ".join(f"{p}={','.join(f'{x:.0f}' for x in v)}"
                                      for p, v in shares.items() if v))
PY
