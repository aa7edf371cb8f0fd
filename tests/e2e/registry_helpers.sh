# HTTP helpers shared by the registry e2e tests (registry_conformance_test.sh,
# registry_bad_input_test.sh). Source after lib.sh and after ukc_start_daemon.
#
#   http METHOD PATH|URL [curl args...]        request as user `local` (HTTP Basic, $CREDS)
#   http_as AUTH METHOD PATH|URL [curl args...] AUTH = none | basic:USER:PASS | bearer:TOKEN
# After a call: $ST = status code ("000" when the connection failed), headers in $RH,
# body in $RB; hdr NAME prints a response header's value, errcode prints errors[0].code.
# Every request is bounded by --max-time $CURL_MAX.

CURL_MAX=${CURL_MAX:-20}
RH=$TEST_TMP/resp.headers
RB=$TEST_TMP/resp.body
ST=000

http_as() {
  local auth=$1 method=$2 url=$3
  shift 3
  [[ $url == http://* || $url == https://* ]] || url="http://$REG$url"
  local -a a=() m=()
  case $auth in
    none) ;;
    basic:*) a=(-u "${auth#basic:}") ;;
    bearer:*) a=(-H "Authorization: Bearer ${auth#bearer:}") ;;
    *) echo "http_as: bad auth spec $auth" >&2; return 2 ;;
  esac
  if [[ $method == HEAD ]]; then m=(-I); else m=(-X "$method"); fi
  : >"$RH"; : >"$RB"
  ST=$(curl -sS --max-time "$CURL_MAX" -H 'Expect:' "${a[@]}" "${m[@]}" -D "$RH" -o "$RB" \
    -w '%{http_code}' "$@" "$url" 2>"$TEST_TMP/curl.err")
  [[ -n $ST ]] || ST=000
  [[ $method == HEAD ]] && : >"$RB"
  return 0
}

http() { http_as "basic:$CREDS" "$@"; }

# hdr NAME: value of the last NAME header of the last response (CR stripped).
hdr() { grep -i "^$1:" "$RH" | tail -1 | cut -d: -f2- | sed 's/^[[:space:]]*//; s/\r$//'; }
errcode() { jq -r '.errors[0].code // empty' "$RB" 2>/dev/null; }
body() { cat "$RB"; }

# loc_url LOCATION: absolute URL for a (possibly relative) Location header value.
loc_url() { if [[ $1 == http://* || $1 == https://* ]]; then echo "$1"; else echo "http://$REG$1"; fi; }
# rel_path LOCATION: path+query part of a Location (like reggie's GetRelativeLocation).
rel_path() { local l=$1; if [[ $l == http://* || $l == https://* ]]; then l=/${l#*://*/}; fi; echo "$l"; }
# next_loc FALLBACK: the last response's Location, or FALLBACK when it has none.
next_loc() { local l; l=$(hdr Location); if [[ -n $l ]]; then echo "$l"; else echo "$1"; fi; }
# add_query URL K=V
add_query() { if [[ $1 == *\?* ]]; then echo "$1&$2"; else echo "$1?$2"; fi; }

sha256_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
size_of() { stat -c %s "$1"; }

# upload_blob REPO FILE: POST + monolithic PUT; prints the final status code.
upload_blob() {
  local repo=$1 file=$2 dg loc
  dg=$(sha256_of "$file")
  http POST "/v2/$repo/blobs/uploads/"
  [[ $ST == 202 ]] || { echo "POST:$ST"; return; }
  loc=$(hdr Location)
  http PUT "$(add_query "$(loc_url "$loc")" "digest=$dg")" \
    -H 'Content-Type: application/octet-stream' --data-binary "@$file"
  echo "$ST"
}

# put_manifest REPO REF FILE MEDIATYPE: prints the status code.
put_manifest() {
  http PUT "/v2/$1/manifests/$2" -H "Content-Type: $4" --data-binary "@$3"
  echo "$ST"
}

# expect_status NAME EXPECTED: check the last status (EXPECTED may be "201|202").
expect_status() {
  if [[ $ST =~ ^($2)$ ]]; then
    PASSED=$((PASSED + 1)); echo "ok   - $1"
  else
    FAILED=$((FAILED + 1)); echo "FAIL - $1: expected status [$2], got [$ST]"
    [[ -s $RB ]] && head -c 400 "$RB" | sed 's/^/       body: /' && echo
  fi
}

# expect_error NAME STATUS CODE: status and errors[0].code of the last response.
expect_error() {
  local code
  code=$(errcode)
  if [[ $ST =~ ^($2)$ && $code =~ ^($3)$ ]]; then
    PASSED=$((PASSED + 1)); echo "ok   - $1"
  else
    FAILED=$((FAILED + 1)); echo "FAIL - $1: expected [$2 $3], got [$ST ${code:-<no code>}]"
    [[ -s $RB ]] && head -c 400 "$RB" | sed 's/^/       body: /' && echo
  fi
}

# expect_match NAME REGEX ACTUAL
expect_match() {
  if [[ $3 =~ $2 ]]; then
    PASSED=$((PASSED + 1)); echo "ok   - $1"
  else
    FAILED=$((FAILED + 1)); echo "FAIL - $1: expected to match /$2/, got [$3]"
  fi
}
