#!/usr/bin/env bash
# `kraft cloud scale` against the real daemon with in-memory VMs (UKC_VMM=fake; kraft-cli.md
# §2.10, kraftkit's scale/*): get of an unconfigured group, init (the group's only instance as
# master, -M/-w/-c, by name and by uuid, refused twice), add (step policies with -s, on_demand,
# kraftkit's flag errors, a duplicate name), get (list, json, raw; -p with yaml and json), remove
# (UUID only), reset (refused when not configured), the aliases, a configuration surviving a
# daemon restart, init errors (no master among several instances, warmup below 1ms).
source "$(dirname "$0")/lib.sh"
containers_sandbox
export UKC_VMM=fake
KRAFT=${KRAFT:-$(dirname "$UKC_EMU")/kraft}
export HOME=$TEST_TMP/home KRAFTKIT_CONFIG_DIR=$TEST_TMP/kraftkit  # no stray config.yaml
unset UNIKRAFTCLOUD_TOKEN KRAFTCLOUD_TOKEN KC_TOKEN UNIKRAFTCLOUD_METRO KRAFTCLOUD_METRO KC_METRO

ukc_start_daemon
push_test_image local/app:latest
out() { "$KRAFT" "$@" 2>"$TEST_TMP/err"; }
fails_with() {  # fails_with REGEX CMD…: exit 1 and a kraft error line matching REGEX
  local regex=$1; shift
  if "$KRAFT" "$@" >/dev/null 2>"$TEST_TMP/err"; then echo "exit 0"; return 1; fi
  grep -q "^ E  " "$TEST_TMP/err" && grep -Eq "$regex" "$TEST_TMP/err" ||
    { cat "$TEST_TMP/err"; return 1; }
}
first_error() { grep -q "^ E  $1" "$TEST_TMP/err"; }  # after fails_with: the error's first line
field() { grep -E "^ *$1: " | sed -E "s/^ *$1: ?//"; }  # field NAME < list output

check "service create web" out cloud service create -n web 443:8080
check "service create pair" out cloud service create -n pair 8443:8080/tls
check "instance m1 in web" out cloud instance create -g web --name m1 local/app
check "instances a, b in pair" out cloud instance create -g pair --name a local/app
check "instance b in pair" out cloud instance create -g pair --name b local/app
web=$(out cloud service get web -o json | jq -r '.[0].uuid')

listing=$(out cloud scale get web)
expect_eq "get (unconfigured): enabled false" false "$(field enabled <<<"$listing")"
expect_eq "get (unconfigured): no size rows" "" "$(field 'min size' <<<"$listing")"
check "get (unconfigured): uuid row" grep -q "uuid: $web" <<<"$listing"

# --- init ---------------------------------------------------------------------------------------
check "init with -w 0s fails" fails_with "warmup time must be at least 1ms" \
  cloud scale init web -w 0s
check "init with a bad duration fails" fails_with 'time: invalid duration "soon"' \
  cloud scale init web -c soon
check "init a group of two instances without --master fails" \
  fails_with "specify an instance master UUID or name via --master" cloud scale init pair
check "init an unknown group fails" fails_with "could not get configuration" \
  cloud scale init nope
init_out=$(out cloud scale init web -M 3 -w 500ms -c 2s)
expect_eq "init web (its only instance as master) exits 0 silently" "0:" "$?:$init_out"
listing=$(out cloud scale get web)
expect_eq "get: enabled, sizes (min 1 by default), times" "true 1 3 500 2000" \
  "$(echo "$(field enabled <<<"$listing") $(field 'min size' <<<"$listing") $(field 'max size' <<<"$listing") $(field 'warmup \(ms\)' <<<"$listing") $(field 'cooldown \(ms\)' <<<"$listing")")"
check "get: the master is m1" test "$(field master <<<"$listing")" == \
  "$(out cloud instance get m1 -o json | jq -r '.[0].uuid')"
check "init twice fails (code 26)" fails_with "already has an autoscale configuration \\(code=26\\)" \
  cloud scale initialize web -i m1
check "  … worded as kraftkit: could not create configuration:" first_error "could not create configuration: "
check "init pair by uuid with --master" out cloud scale i \
  "$(out cloud service get pair -o json | jq -r '.[0].uuid')" --master b --min-size 2

# --- add ----------------------------------------------------------------------------------------
check "add without a name" fails_with "specify a policy name" cloud scale add web -s 0:10/1
check "add without steps" fails_with "specify between 1 and 4 steps: got 0" \
  cloud scale add web -n x
check "add with a bad step" fails_with 'could not parse step: "1-2/3"' \
  cloud scale add web -n x -s 1-2/3
check "add with a gap" fails_with "steps are not contiguous: gap found between 10 and 12" \
  cloud scale add web -n x -s 0:10/1 -s 12:/2
check "add with lower >= upper" \
  fails_with "lower bound cannot be greater or equal than upper bound: 5 >= 5" \
  cloud scale add web -n x -s 5:5/1
check "add with a bad type" fails_with 'invalid policy type: "idle"' \
  cloud scale add web -n x -t idle
check "add a step policy" out cloud scale add web -n out -a percent -s 10:/100 -s :10/50
check "add an on_demand policy (alias a)" out cloud scale a web -n od -t on_demand
check "add a duplicate (code 23)" fails_with "name 'out' already exists \\(code=23\\)" \
  cloud scale add web -n out -s 0:1/1
check "  … worded as kraftkit: could not add configuration:" first_error "could not add configuration: "
check "add a bad metric (code 7)" fails_with "Invalid metric 'ram'.*\\(code=7\\)" \
  cloud scale add web -n m -m ram -s 0:1/1
check "  … worded as kraftkit: could not add configuration:" first_error "could not add configuration: "
expect_eq "get: policies" "out;od" "$(out cloud scale get web | field policies)"
expect_eq "get -o json" "web true out;od" \
  "$(out cloud scale get web -o json | jq -r '.[0] | "\(.name) \(.enabled) \(.policies)"')"
expect_eq "get -o raw" "success 3" \
  "$(out cloud autoscale gt web -o raw | jq -r '.data.service_groups[0] | "\(.status) \(.max_size)"')"
yaml=$(out cloud scale get web -p out)
for line in "adjustment_type: percent" "metric: cpu" "name: out" "steps:" "- adjustment: 50" \
  "  upper_bound: 10" "- adjustment: 100" "  lower_bound: 10" "type: step"; do
  check "get -p (yaml): '$line'" grep -qxF -- "$line" <<<"$yaml"
done
expect_eq "get -p -o json: the steps, sorted by lower bound" "null-10:50 10-null:100" \
  "$(out cloud scale get web -p out -o json | jq -r '[.steps[] | "\(.lower_bound)-\(.upper_bound):\(.adjustment)"] | join(" ")')"
check "get -p unknown fails" fails_with "No policy with name 'nope' \\(code=8\\)" \
  cloud scale get web -p nope
check "  … worded as kraftkit: could not get configuration:" first_error "could not get configuration: "

# --- remove, reset --------------------------------------------------------------------------------
check "remove by name fails" fails_with "specify a valid service group UUID" \
  cloud scale remove web od
check "remove by uuid" out cloud scale rm "$web" od
expect_eq "policies after remove" "out" "$(out cloud scale get web | field policies)"
check "remove an unknown policy fails" fails_with "could not delete policy" \
  cloud scale remove "$web" od

ukc_stop_daemon
ukc_start_daemon
expect_eq "after a daemon restart" "true 3 out" \
  "$(out cloud scl get web -o json | jq -r '.[0] | "\(.enabled) \(.max_size) \(.policies)"')"

check "reset (alias deinit)" out cloud scale deinit web
expect_eq "get after reset" false "$(out cloud scale get web | field enabled)"
check "reset again fails (code 27)" fails_with "has no autoscale configuration \\(code=27\\)" \
  cloud scale reset web
check "  … worded as kraftkit: could not reset configuration:" first_error "could not reset configuration: "
check "reset pair by uuid" out cloud scale reset "$(out cloud service get pair -o json | jq -r '.[0].uuid')"

ukc_finish
