# Helpers for the guest integration tests (sourced). Bash.

# Prints a free TCP port on 127.0.0.1.
free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

now_ms() { date +%s%3N; }

# wait_http URL TIMEOUT_S OUTFILE: polls until an HTTP 200 arrives; returns 0 on success.
wait_http() {
  local url=$1 timeout=$2 out=$3 deadline=$(( $(date +%s%3N) + $2 * 1000 ))
  while [ "$(date +%s%3N)" -lt "$deadline" ]; do
    if [ "$(curl -s -m "${WAIT_HTTP_MAX_TIME:-0.5}" -o "$out" -w '%{http_code}' "$url" 2>/dev/null)" = 200 ]; then return 0; fi
    sleep 0.05
  done
  return 1
}

# wait_file_grep FILE PATTERN TIMEOUT_S: waits for an extended regexp to appear in FILE.
wait_file_grep() {
  local deadline=$(( $(date +%s%3N) + $3 * 1000 ))
  while [ "$(date +%s%3N)" -lt "$deadline" ]; do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# wait_pid_exit PID TIMEOUT_S: waits for a process (not necessarily our child) to end.
wait_pid_exit() {
  local deadline=$(( $(date +%s%3N) + $2 * 1000 ))
  while [ "$(date +%s%3N)" -lt "$deadline" ]; do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.05
  done
  return 1
}

# qmp SOCK CMD_JSON...: sends capabilities negotiation then each command; prints replies.
qmp() {
  local sock=$1; shift
  python3 - "$sock" "$@" <<'PY'
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
f = s.makefile("rwb")
f.readline()  # greeting
def cmd(c):
    f.write((c + "\n").encode()); f.flush()
    while True:
        line = f.readline()
        if not line: return None
        m = json.loads(line)
        if "return" in m or "error" in m: return m
cmd('{"execute":"qmp_capabilities"}')
for c in sys.argv[2:]:
    print(json.dumps(cmd(c)))
PY
}

PASS=0
FAIL=0
ok() { echo "ok - $*"; PASS=$((PASS + 1)); }
fail() { echo "FAIL - $*"; FAIL=$((FAIL + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
summary() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; }
