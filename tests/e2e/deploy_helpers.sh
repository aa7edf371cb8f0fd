# Helpers for the `kraft cloud deploy` e2e tests (deploy_workflows_test.sh, examples_test.sh).
# Source after lib.sh. deploy_setup RUNTIME… builds the runtimes, starts the daemon with the
# service proxy on free ports (lib.sh: PROXY_TLS, UKC_CA) and sets:
#   KRAFT   the kraft binary      CA   the proxy's CA file
#   UKC_PROXY_HTTPS_PORT = PROXY_TLS (the port kraft's URL hint names)
# kraft's package store and config live in the test's temp dir.

KRAFT=${KRAFT:-$(dirname "$UKC_EMU")/kraft}
EXAMPLES=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples" && pwd)
export HOME=$TEST_TMP/home KRAFTKIT_CONFIG_DIR=$TEST_TMP/kraftkit XDG_DATA_HOME=$TEST_TMP/xdg
unset UNIKRAFTCLOUD_TOKEN KRAFTCLOUD_TOKEN KC_TOKEN UNIKRAFTCLOUD_METRO KRAFTCLOUD_METRO KC_METRO

deploy_setup() {
  UKC_DATA=$TEST_TMP/data
  local runtime
  for runtime in "$@"; do
    check "runtime build $runtime" \
      timeout 900 "$UKC_EMU" runtime build --data-dir "$UKC_DATA" "$runtime"
  done
  ukc_start_daemon  # the proxy on ephemeral ports: PROXY_TLS, UKC_CA
  CA=$UKC_CA
  export UKC_PROXY_HTTPS_PORT=$PROXY_TLS
}

# copy_example NAME [DIR]: a private copy of examples/NAME in $TEST_TMP/apps/DIR (default NAME),
# so its build outputs stay in the temp dir; prints its path.
copy_example() {
  local dest=$TEST_TMP/apps/${2:-$1}
  rm -rf "$dest"
  mkdir -p "$TEST_TMP/apps"
  cp -r "$EXAMPLES/$1" "$dest"
  echo "$dest"
}

# proxy_url ERRFILE: the https URL kraft's hint names (" i  ukc-emu serves … at URL").
proxy_url() { grep -o "at https://[^ ]*:$PROXY_TLS/" "$1" | head -1 | sed 's/^at //'; }

# fetch URL [SECONDS]: GET through the service proxy, trusting its CA; retried until it answers
# 200 (a route may lag the instance's state by a poll). Prints the body.
fetch() {
  local host deadline=$((SECONDS + ${2:-30}))
  host=$(sed -E 's#^https://([^:/]+).*#\1#' <<<"$1")
  while ((SECONDS < deadline)); do
    curl -sf --max-time 5 --cacert "$CA" --resolve "$host:$PROXY_TLS:127.0.0.1" "$1" && return 0
    sleep 0.5
  done
  curl -sS --max-time 5 --cacert "$CA" --resolve "$host:$PROXY_TLS:127.0.0.1" "$1"
  return 1
}

# fetch_once URL: one GET through the proxy's TLS port, no retry: what a user gets for the
# request sent the moment deploy returns (the proxy holds it until the app listens).
fetch_once() {
  local host
  host=$(sed -E 's#^https://([^:/]+).*#\1#' <<<"$1")
  curl -sS --fail-with-body --max-time 90 --cacert "$CA" --resolve "$host:$PROXY_TLS:127.0.0.1" "$1"
}

# registry_state: every repository of the catalog with its tags (to show nothing was pushed).
registry_state() {
  local repo
  for repo in $(curl -sf -u "$CREDS" "http://$REG/v2/_catalog" | jq -r '.repositories[]?'); do
    echo "$repo $(curl -sf -u "$CREDS" "http://$REG/v2/$repo/tags/list" | jq -c '.tags')"
  done
}

# instance_state: names and states of every instance.
instance_state() { "$KRAFT" cloud instance list -o json 2>/dev/null | jq -c '[.[] | [.name, .state]]'; }

# wait_running COUNT SECONDS [STATES]: until COUNT instances exist and all run (or are in one of
# STATES, a jq array; default ["running"]).
wait_running() {
  local deadline=$((SECONDS + $2)) states
  while ((SECONDS < deadline)); do
    states=$("$KRAFT" cloud instance list -o json 2>/dev/null)
    [[ $(jq length <<<"$states") == "$1" && \
      $(jq --argjson ok "${3:-[\"running\"]}" '[.[] | select(.state as $s | $ok | index($s))] | length' \
        <<<"$states") == "$1" ]] && return 0
    sleep 1
  done
  echo "instances: $(instance_state)"
  return 1
}

# remove_all_instances: removes every instance and waits until the list is empty.
remove_all_instances() {
  "$KRAFT" cloud instance remove --all >/dev/null 2>&1
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    [[ $("$KRAFT" cloud instance list -o json 2>/dev/null | jq length) == 0 ]] && return 0
    sleep 0.5
  done
  return 1
}
