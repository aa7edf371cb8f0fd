#!/usr/bin/env bash
# `kraft cloud deploy`: the three workflows of the UKC images guide on examples/http-python3.12,
# against the real daemon, real QEMU VMs and the service proxy (kraft-cli.md §6):
#  (0) bad input — unknown runtime, unknown Kraftfile key, Dockerfile syntax error, missing COPY
#      source, COPY outside the context: kraft's error names the file and line, exit 1, the
#      registry's tags and the instance list are unchanged
#  (1) `deploy -p 443:8080 .` → running, kraft's summary, the URL it names answers through the
#      proxy; `image list` shows local/http-python312 with its size; -o json stays pure JSON
#  (2) `deploy -p 443:8080 -R 2 .` → 3 running instances, requests reach each (their logs)
#  (3) `instance create -p 443:8080 --start local/http-python312:latest` → running, serving;
#      `image remove` removes the image
# Needs: curl, jq, qemu (scripts/install-deps.sh --test).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/deploy_helpers.sh"

deploy_setup python:3.12
APP=$(copy_example http-python3.12)
out() { (cd "$APP" && "$KRAFT" "$@" 2>"$TEST_TMP/err"); }

# --- (0) bad input -----------------------------------------------------------------------------
# bad_case NAME FILE TEXT PATTERN: FILE of a fresh copy gets TEXT; deploy must fail with PATTERN.
bad_case() {
  local dir registry_before instances_before
  dir=$(copy_example http-python3.12 bad)
  printf '%s' "$3" >"$dir/$2"
  registry_before=$(registry_state)
  instances_before=$(instance_state)
  (cd "$dir" && "$KRAFT" cloud deploy -p 443:8080 . >"$TEST_TMP/bad.out" 2>"$TEST_TMP/bad.err")
  expect_eq "(0) $1: exit 1" 1 $?
  check "(0) $1: error names file and line" grep -Eq "$4" "$TEST_TMP/bad.err"
  expect_eq "(0) $1: nothing pushed" "$registry_before" "$(registry_state)"
  expect_eq "(0) $1: nothing created" "$instances_before" "$(instance_state)"
  rm -rf "$dir"
}
KRAFTFILE='spec: v0.6

runtime: python:3.12

rootfs: ./Dockerfile

cmd: ["/usr/bin/python3", "/src/server.py"]
'
bad_case "unknown runtime" Kraftfile "${KRAFTFILE/python:3.12/python:9.9}" \
  'Kraftfile:3: .*python:9\.9.*not found'
bad_case "unknown Kraftfile key" Kraftfile "${KRAFTFILE}rootfss: ./x
" 'Kraftfile:8.*rootfss'
bad_case "Dockerfile syntax error" Dockerfile 'FROM scratch
COPY ./server.py /src/server.py
RUNN echo hi
' 'Dockerfile:3'
bad_case "missing COPY source" Dockerfile 'FROM scratch

COPY ./nope.py /src/server.py
' 'Dockerfile:3.*nope\.py'
bad_case "COPY from outside the context" Dockerfile 'FROM scratch
COPY ../../../../etc/passwd /etc/passwd
' 'Dockerfile:2'

# --- (1) deploy -p 443:8080 . --------------------------------------------------------------------
summary=$(out cloud deploy -p 443:8080 .)
expect_eq "(1) deploy exits 0" 0 $?
cp "$TEST_TMP/err" "$TEST_TMP/deploy1.err"
check "(1) summary title" grep -q '^\[●\] Deployed successfully!' <<<"$summary"
check "(1) summary: generated name from the image" \
  grep -Eq '^ ├─+ name: http-python312-[a-z0-9]{5} +$' <<<"$summary"
# The Kraftfile's labels make it scale to zero after 1 s without connections: it may already be
# parked in standby when the summary is printed.
check "(1) summary: running (or already standby)" \
  grep -Eq '^ ├─+ state: (running|standby) +$' <<<"$summary"
check "(1) summary: image pinned to the pushed digest" \
  grep -Eq 'image: local/http-python312@sha256:[0-9a-f]{64} ' <<<"$summary"
check "(1) summary: https domain of the service" \
  grep -Eq '^ ├─+ domain: https://[a-z0-9-]+\.local\.localhost +$' <<<"$summary"
check "(1) summary: the Kraftfile's cmd" \
  grep -Eq '^ └─+ args: /usr/bin/python3 /src/server.py +$' <<<"$summary"
check "(1) progress: build, package, push, image listed, start (plain lines off a TTY)" \
  bash -c "grep -q 'building rootfs' '$TEST_TMP/deploy1.err' &&
           grep -q 'pushing' '$TEST_TMP/deploy1.err' &&
           grep -q 'propagating' '$TEST_TMP/deploy1.err' &&
           grep -q 'starting' '$TEST_TMP/deploy1.err'"
url=$(proxy_url "$TEST_TMP/deploy1.err")
domain=$(sed -nE 's/^ ├─+ domain: (https:\/\/[^ ]+) +$/\1/p' <<<"$summary")
expect_eq "(1) the URL hint is the domain on the proxy's port" "$domain:$PROXY_TLS/" "$url"
expect_eq "(1) the URL answers the first request, sent as deploy returns" "Hello, World!" \
  "$(fetch_once "$url")"
one_instance() {  # one_instance NAME: the API's JSON of the instance
  curl -s -H "Authorization: Bearer $UKC_TOKEN" "http://$API/v1/instances/$1" | jq '.data.instances[0]'
}
name1=$(sed -nE 's/^ ├─+ name: ([^ ]+) +$/\1/p' <<<"$summary")
expect_eq "(1) the image's scale_to_zero labels are the instance's defaults" 'on false 1000' \
  "$(one_instance "$name1" | jq -r '.scale_to_zero | "\(.policy) \(.stateful) \(.cooldown_time_ms)"')"
parked() {
  for _ in $(seq 1 60); do
    [[ $(one_instance "$name1" | jq -r .state) == standby ]] && return 0
    sleep 1
  done
  return 1
}
check "(1) idle for its cooldown: standby" parked
expect_eq "(1) a request wakes it through the proxy" "Hello, World!" "$(fetch_once "$url")"
check "(1) image list: local/http-python312 latest with its size" \
  grep -Eq '^local/http-python312 +latest +[0-9.]+ MB$' <<<"$(out cloud image list)"
check "(1) remove the instance" remove_all_instances

# --- (2) deploy -p 443:8080 -R 2 . ------------------------------------------------------------------
# --scale-to-zero off overrides the Kraftfile's labels: the replicas keep running.
json=$(out cloud deploy -p 443:8080 -R 2 -M 128 --scale-to-zero off -o json .)
expect_eq "(2) deploy -R 2 -o json exits 0" 0 $?
check "(2) -o json: stdout is pure JSON, the first instance" \
  jq -e 'length == 1 and (.[0].name | startswith("http-python312-"))' <<<"$json"
check "(2) three instances running" wait_running 3 120
url=$(proxy_url "$TEST_TMP/err")
[[ -n "$url" ]] || url="https://$(jq -r '.[0].fqdn' <<<"$json"):$PROXY_TLS/"
# served_by_each: requests through the proxy until every instance's console logged one
# ("GET / HTTP/1.1" 200) or 90 s passed; prints the instances that never got one.
served_by_each() {
  local deadline=$((SECONDS + 90)) names missing name
  names=$("$KRAFT" cloud instance list -o json | jq -r '.[].name')
  while ((SECONDS < deadline)); do
    for _ in 1 2 3; do fetch "$url" 30 >/dev/null; done
    missing=""
    for name in $names; do
      "$KRAFT" cloud instance logs "$name" 2>/dev/null | grep -q '"GET / HTTP/1.1" 200' ||
        missing="$missing $name"
    done
    [[ -z "$missing" ]] && return 0
  done
  echo "no request reached:$missing"
  return 1
}
check "(2) requests through the service reach each of the 3 instances" served_by_each
check "(2) remove the instances" remove_all_instances

# --- (3) instance create from the pushed image ---------------------------------------------------
summary=$(out cloud instance create -p 443:8080 --start -M 128 local/http-python312:latest)
expect_eq "(3) instance create exits 0" 0 $?
check "(3) image pinned" grep -Eq 'image: local/http-python312@sha256:' <<<"$summary"
check "(3) running (or parked by the image's scale-to-zero labels)" \
  wait_running 1 120 '["running","standby"]'
url=$(proxy_url "$TEST_TMP/err")
expect_eq "(3) the URL answers through the proxy" "Hello, World!" "$(fetch "$url" 60)"
check "(3) remove the instance" remove_all_instances
check "(3) image remove" out cloud image remove http-python312
check "(3) image list no longer shows it" \
  bash -c "! '$KRAFT' cloud image list 2>/dev/null | grep -q http-python312"

ukc_finish
