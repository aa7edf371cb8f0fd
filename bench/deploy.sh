#!/bin/bash
# bench/deploy.sh [RUNS]: a warm `kraft cloud deploy -p 443:8080 .` of examples/http-python3.12
# against a real daemon (real QEMU), split into its steps by the time each of kraft's progress
# lines appears on stderr (plain lines off a TTY: " i  <step> …" when a step starts, " i  <step>:
# done" when it ends):
#   build   resolving runtime + building rootfs (Dockerfile → cpio)
#   pkg     packaging (image on the runtime's layers, local store)
#   push    pushing (blobs the registry lacks, manifest, index)
#   create  propagating (GET /images/list until listed) + creating (POST /instances)
#   boot    starting (until the instance runs: QEMU boot + Python up + port open)
# One cold deploy first (not counted), then RUNS (default 5) warm ones of the unchanged app and
# RUNS after editing server.py (the rootfs is rebuilt and a new initrd layer pushed); each
# instance is removed before the next run. Target (issue 6): build+pkg+push+create ≤ 2 s warm.
# Env: UKC_EMU (default build/bin/ukc-emu), KRAFT (default next to it). Needs jq, python3, qemu.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
source "$ROOT/tests/e2e/lib.sh"
source "$ROOT/tests/e2e/deploy_helpers.sh"
UKC_LOG_LEVEL=warn deploy_setup python:3.12 >/dev/null
APP=$(copy_example http-python3.12)
W=$TEST_TMP/bench
mkdir -p "$W"

# timed_deploy LABEL: one deploy; appends "LABEL build pkg push create boot total" (seconds).
timed_deploy() {
  (cd "$APP" && python3 - "$KRAFT" "$1" <<'PY') >>"$W/runs.txt"
import subprocess, sys, time
kraft, label = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
p = subprocess.Popen([kraft, "cloud", "deploy", "-p", "443:8080", "."],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
marks = []  # (seconds since start, line)
for line in p.stderr:
    marks.append((time.monotonic() - t0, line.rstrip("\n")))
rc = p.wait()
end = time.monotonic() - t0
if rc != 0:
    sys.stderr.write("deploy failed:\n" + "\n".join(l for _, l in marks) + "\n")
    sys.exit(1)
def first(word):  # time of the first line naming the step
    return next((t for t, l in marks if l.startswith(" i  " + word)), None)
steps = [first(w) for w in ("resolving runtime", "building rootfs", "packaging", "pushing",
                            "propagating", "creating", "starting")]
start_build = steps[0] if steps[0] is not None else 0.0
bounds = [start_build, steps[2], steps[3], steps[4], steps[6], end]
if any(b is None for b in bounds):
    sys.stderr.write("missing progress lines:\n" + "\n".join(l for _, l in marks) + "\n")
    sys.exit(1)
parts = [bounds[i + 1] - bounds[i] for i in range(5)]
parts[0] += start_build  # connection and deployer choice count as build
print(label, " ".join(f"{x:.3f}" for x in parts), f"{end:.3f}")
PY
  remove_all_instances
}

timed_deploy cold || exit 1
: >"$W/runs.txt"
for i in $(seq 1 "$RUNS"); do timed_deploy unchanged || exit 1; done
for i in $(seq 1 "$RUNS"); do
  echo "# edit $i" >>"$APP/server.py"
  timed_deploy edited || exit 1
done

python3 - "$W/runs.txt" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
names = ["build", "pkg", "push", "create", "boot", "total"]
print(f"{'kraft cloud deploy (warm)':<26}" + "".join(f"{n:>9}" for n in names) +
      f"{'b+p+p+c':>10}")
for label in ("unchanged", "edited"):
    runs = [[float(x) for x in r[1:]] for r in rows if r[0] == label]
    if not runs:
        continue
    med = [st.median(col) for col in zip(*runs)]
    target = sum(med[:4])
    print(f"{label + ' (median of ' + str(len(runs)) + ')':<26}" +
          "".join(f"{x:>8.2f}s" for x in med) + f"{target:>9.2f}s")
print("target: build+pkg+push+create <= 2 s")
PY
