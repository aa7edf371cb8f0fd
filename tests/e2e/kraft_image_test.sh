#!/usr/bin/env bash
# The kraft CLI against the real daemon: `kraft cloud image list` (table, json, --all for official
# images), `kraft cloud quotas`, `kraft cloud image remove` through the registry, token resolution
# (flag > $UKC_TOKEN > UNIKRAFTCLOUD_/KRAFTCLOUD_/KC_ prefixes; missing and bad tokens) and a metro
# given as a URL.
source "$(dirname "$0")/lib.sh"
containers_sandbox
KRAFT=${KRAFT:-$(dirname "$UKC_EMU")/kraft}
export HOME=$TEST_TMP/home KRAFTKIT_CONFIG_DIR=$TEST_TMP/kraftkit  # no stray config.yaml
unset UNIKRAFTCLOUD_TOKEN KRAFTCLOUD_TOKEN KC_TOKEN UNIKRAFTCLOUD_METRO KRAFTCLOUD_METRO KC_METRO

ukc_start_daemon
push_test_image local/app:v1

out() { "$KRAFT" "$@" 2>"$TEST_TMP/err"; }

# image list
table=$(out cloud image list)
expect_eq "list: table header" "NAME       VERSION  SIZE" "$(head -1 <<<"$table")"
check "list: table shows local/app v1 with an SI size" grep -Eq '^local/app  v1       [0-9.]+ kB$' <<<"$table"
json=$(out cloud img ls -o json)
check "list -o json: pure JSON" jq -e . <<<"$json"
expect_eq "list -o json: the image with string values, sorted keys" \
  '{"app_args":"/server 8080","kernel_args":"netdev.ip=1","labels":"","name":"local/app","size":"'"$(jq -r '.[0].size' <<<"$json")"'","version":"v1"}' \
  "$(jq -c '.[0]' <<<"$json")"
check "list -o raw: the API body" jq -e '.data.images' <<<"$(out cloud image list -o raw)"
check "list -o yaml: yaml.v2 style" grep -q '^- app_args: /server 8080$' <<<"$(out cloud image list -o yaml)"
check "list -o list: aligned lower-case headers" grep -q '^        name: local/app$' <<<"$(out cloud image list -o list)"
"$KRAFT" cloud image list -o nope >/dev/null 2>"$TEST_TMP/err"
expect_eq "list -o nope: exit 1" 1 $?
check "list -o nope: kraft's message" grep -q 'invalid output format: nope' "$TEST_TMP/err"

timeout 600 "$UKC_EMU" runtime build --data-dir "$UKC_DATA" base >/dev/null 2>&1
check "list: official images hidden by default" bash -c "! '$KRAFT' cloud image list | grep -q '^base '"
check "list --all: shows base:latest" grep -Eq '^base +latest ' <<<"$(out cloud image list --all)"

# quotas
quotas=$(out cloud quotas)
check "quotas: list output has live instances from the API" grep -q '^ *live instances: 0/16$' <<<"$quotas"
check "quotas: memory limits from the API" grep -q '^ *memory size: 16 MiB-2.0 GiB$' <<<"$quotas"
expect_eq "quotas -o json: total instances" "0/16" "$(out cloud q -o json | jq -r '.[0].total_instances')"

# token resolution
good=$UKC_TOKEN
bad=$(printf 'robot$local.users.kraftcloud:wrong' | base64 -w0)
check "UKC_TOKEN wins over KRAFTCLOUD_TOKEN (it is --token's default)" \
  env KRAFTCLOUD_TOKEN="$bad" "$KRAFT" cloud image list
check "KRAFTCLOUD_TOKEN is used when UKC_TOKEN is unset" \
  env -u UKC_TOKEN KRAFTCLOUD_TOKEN="$good" "$KRAFT" cloud image list
env -u UKC_TOKEN UNIKRAFTCLOUD_TOKEN="$bad" KRAFTCLOUD_TOKEN="$good" "$KRAFT" cloud image list \
  >/dev/null 2>&1
expect_eq "UNIKRAFTCLOUD_TOKEN comes before KRAFTCLOUD_TOKEN" 1 $?
check "--token wins over UKC_TOKEN" env UKC_TOKEN="$bad" "$KRAFT" cloud image list --token "$good"
check "--token before the subcommand works too" env UKC_TOKEN="$bad" "$KRAFT" cloud --token "$good" img ls
env -u UKC_TOKEN "$KRAFT" cloud image list >/dev/null 2>"$TEST_TMP/err"
expect_eq "no token: exit 1" 1 $?
expect_eq "no token: the reference's error text" \
  ' E  could not determine unikraft cloud user token: try setting `UKC_TOKEN`' "$(cat "$TEST_TMP/err")"
"$KRAFT" cloud image list --token "$bad" >/dev/null 2>"$TEST_TMP/err"
expect_eq "bad token: exit 1" 1 $?
check "bad token: kraft's API error display" \
  grep -q '^ E  could not list images: API error: status code 401, message: {' "$TEST_TMP/err"
check "metro as a URL via --metro" env -u UKC_METRO "$KRAFT" cloud image list --metro "http://$API/v1"
check "metro as a URL via KC_METRO" env -u UKC_METRO KC_METRO="http://$API/v1" "$KRAFT" cloud quotas
env -u UKC_METRO "$KRAFT" cloud quotas >/dev/null 2>"$TEST_TMP/err"
expect_eq "no metro: exit 1" 1 $?
check "no metro: the reference's error text" grep -q 'unikraft cloud metro is unset' "$TEST_TMP/err"

# remove
check "remove local/app:v1" "$KRAFT" cloud image remove local/app:v1
check "list no longer shows it" bash -c "! '$KRAFT' cloud image list | grep -q local/app"
check "skopeo inspect fails" bash -c "! timeout 60 skopeo inspect --tls-verify=false --creds '$CREDS' docker://$REG/local/app:v1"
check "removing it again is only a warning" "$KRAFT" cloud img rm local/app:v1
check "the warning says not found" grep -q ' W  image not found' <<<"$("$KRAFT" cloud img rm app:v1 2>&1)"

ukc_finish
