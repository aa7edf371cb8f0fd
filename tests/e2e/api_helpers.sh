# Helpers for the platform API e2e tests (source after lib.sh, call after ukc_start_daemon).
#
#   api GEN METHOD PATH [BODY]   one request with the headers client generation GEN sends
#                                (ukc-api.md §1.2): g1 = kraftkit / sdk.kraft.cloud (Content-Type
#                                on every request, Connection: close), g3 = unikraft-cloud Go SDK,
#                                py = Python SDK (Content-Type only with a body). $TOKEN overrides
#                                the token, NO_AUTH=1 sends none. Body → $TEST_TMP/r.json, status
#                                → $CODE.
#   strict [COLLECTION]          parses the last response like the strictest client does
#                                (api_strict_check.py); usable with `check`.
#   jqr FILTER                   jq -r on the last response.
#   last_ok NAME COLLECTION      checks "HTTP 200 and strict parse" of the last response.

STRICT_CHECK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/api_strict_check.py"
CODE=""

api() {
  local gen=$1 method=$2 path=$3
  local args=(-s --max-time 30 -o "$TEST_TMP/r.json" -w '%{http_code}' -X "$method")
  [[ -z "${NO_AUTH:-}" ]] && args+=(-H "Authorization: Bearer ${TOKEN:-$UKC_TOKEN}")
  case $gen in
    g1) args+=(-H 'Content-Type: application/json' -H 'Accept: application/json'
               -H 'Connection: close' -H 'User-Agent: Go-http-client/1.1') ;;
    g3) args+=(-H 'Content-Type: application/json' -H 'Accept: application/json'
               -H 'User-Agent: unikraft-cloud-go-sdk/') ;;
    py) args+=(-H 'accept: application/json' -H 'user-agent: python-httpx/0.27.0')
        [[ $# -ge 4 ]] && args+=(-H 'content-type: application/json') ;;
    *) echo "api: unknown generation $gen" >&2; return 1 ;;
  esac
  [[ $# -ge 4 ]] && args+=(--data-binary "$4")
  CODE=$(curl "${args[@]}" "http://$API$path")
}

strict() { python3 "$STRICT_CHECK" "$TEST_TMP/r.json" "$CODE" "$@"; }
jqr() { jq -r "$1" "$TEST_TMP/r.json"; }

last_ok() {
  expect_eq "$1: HTTP 200" 200 "$CODE"
  check "$1: strict parse" strict "$2"
}

# last_error NAME HTTP_CODE MESSAGE_REGEX: a whole-request error envelope.
last_error() {
  expect_eq "$1: HTTP $2" "$2" "$CODE"
  check "$1: strict error envelope" strict
  check "$1: message matches /$3/" grep -Eq "$3" <<<"$(jqr .message)"
}

# last_item_error NAME CODE MESSAGE_REGEX [INDEX]: HTTP 200, item INDEX failed with CODE.
last_item_error() {
  local i=${4:-0}
  last_ok "$1" instances
  expect_eq "$1: item error code" "error $2" "$(jqr ".data.instances[$i] | \"\(.status) \(.error)\"")"
  check "$1: item message matches /$3/" grep -Eq "$3" <<<"$(jqr ".data.instances[$i].message")"
}
