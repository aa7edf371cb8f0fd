#!/bin/bash
# bench/served.sh [N]: the edit → deploy → served loop through the TLS proxy (issue 16), N rounds
# (default 5), each figure beside the anchor measured in the same round (tests/integration/
# boot_time.sh: bare q35 + Debian kernel + busybox serving HTTP), medians and ratios:
#   C       examples/http-c on base: edit → `kraft cloud deploy -p 443:8080 .` → first 200
#   Python  examples/http-python3.12: edit → deploy → first 200
#   again   `kraft cloud instance create --start` of the C image that has run before → first 200
# "first 200" is one request sent the moment kraft returns (the proxy holds it until the app
# listens). Breakdown per figure: kraft's own time (build, package, push, create, wait for
# running) and kraft's return → first 200. Templates are prepared as `ukc-emu up` does (the
# runtimes exist before it starts), and each app is deployed once before the rounds.
# Env: UKC_EMU (default build/bin/ukc-emu), UKC_RUNTIME_CACHE.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-5}
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/integration/lib.sh"  # now_ms
source "$ROOT/tests/e2e/deploy_helpers.sh"
exec 3>&1 >/dev/null  # check's output is not the benchmark's
deploy_setup base python:3.12
templates_ready() {  # the base and python templates `up` prepares
  for _ in $(seq 1 600); do
    (($(grep -c 'template .* ready in' "$TEST_TMP/daemon.log") >= 2)) && return 0
    sleep 0.2
  done
  return 1
}
templates_ready || { echo "no templates after 120 s" >&3; exit 1; }
C=$(copy_example http-c) PY=$(copy_example http-python3.12)
make -s -C "$C" || { echo "make http-c failed" >&3; exit 1; }

# once URL_ERRFILE: one GET of the URL kraft's hint names; prints the HTTP status.
once() {
  local url host
  url=$(proxy_url "$1")
  host=$(sed -E 's#^https://([^:/]+).*#\1#' <<<"$url")
  curl -s -o /dev/null -w '%{http_code}' -m 90 --cacert "$CA" \
    --resolve "$host:$PROXY_TLS:127.0.0.1" "$url"
}
# measure NAME DIR_OR_- KRAFT_ARGS…: runs kraft (in DIR), then one request; prints
# "total_ms kraft_ms status".
measure() {
  local dir=$2 t0 t1 t2 code; shift 2
  t0=$(now_ms)
  if [[ "$dir" == - ]]; then
    "$KRAFT" "$@" 2>"$TEST_TMP/kraft.err" >/dev/null
  else
    (cd "$dir" && "$KRAFT" "$@" 2>"$TEST_TMP/kraft.err" >/dev/null)
  fi
  t1=$(now_ms)
  code=$(once "$TEST_TMP/kraft.err")
  t2=$(now_ms)
  echo "$((t2 - t0)) $((t1 - t0)) $code"
}
edit() { echo "$2" >>"$1"; }  # a change kraft must package and push again

measure C "$C" cloud deploy -p 443:8080 -M 128 . >/dev/null  # first deploys: not measured
measure PY "$PY" cloud deploy -p 443:8080 . >/dev/null
remove_all_instances

declare -A T K S
for i in $(seq 1 "$N"); do
  anchor=$(VARIANTS=anchor "$ROOT/tests/integration/boot_time.sh" 1 | awk '/^anchor /{print $5}')
  T[anchor]+="$anchor "
  edit "$C/http-server.c" "/* edit $i */" && make -s -C "$C"
  read -r total kraft code < <(measure C "$C" cloud deploy -p 443:8080 -M 128 .)
  T[c]+="$total " K[c]+="$kraft " S[c]+="$code "
  edit "$PY/server.py" "# edit $i"
  read -r total kraft code < <(measure PY "$PY" cloud deploy -p 443:8080 .)
  T[py]+="$total " K[py]+="$kraft " S[py]+="$code "
  read -r total kraft code < <(measure again - cloud instance create --start -p 443:8080 -M 128 \
    local/http-c:latest)
  T[again]+="$total " K[again]+="$kraft " S[again]+="$code "
  last() { local v=${1% }; echo "${v##* }"; }
  echo "# round $i: anchor $anchor ms, C $(last "${T[c]}") ms, Python $(last "${T[py]}") ms," \
    "again $(last "${T[again]}") ms" >&3
  remove_all_instances
done

median() { tr ' ' '\n' | grep -E '^[0-9]+$' | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
A=$(median <<<"${T[anchor]}")
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); anchor median $A ms (runs: ${T[anchor]% })" >&3
printf '%-8s %8s %8s %9s %10s  %s\n' figure "median" "/anchor" "kraft" "→ 200" "runs (ms; HTTP status)" >&3
for f in c py again; do
  m=$(median <<<"${T[$f]}") k=$(median <<<"${K[$f]}")
  awk -v f="$f" -v m="$m" -v a="$A" -v k="$k" -v runs="${T[$f]% }" -v codes="${S[$f]% }" \
    'BEGIN { printf "%-8s %6d ms %8.2f %6d ms %7d ms  %s; %s\n", f, m, m / a, k, m - k, runs, codes }' >&3
done
ukc_finish >/dev/null
