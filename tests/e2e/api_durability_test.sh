#!/bin/bash
# api_durability_test.sh: the controller's state survives the daemon. Instances in every state
# are listed as before after kill -9 and after SIGTERM; the ones that were running come back
# stopped by the platform (stop_reason 4, plus the forced bit 16 after a graceful daemon stop),
# keep their names, uuids, counters and config, and start again. A create racing kill -9 is either
# fully there or not at all. (UKC_VMM=fake: the VMs are in-memory.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/api_helpers.sh"
containers_sandbox
export UKC_VMM=fake
ukc_start_daemon
push_test_image local/dur:latest

create() { api g1 POST /v1/instances "$1"; }
create '{"image":"local/dur:latest","name":"run1","autostart":true,"wait_timeout_ms":5000,"env":{"K":"v"}}'
expect_eq "run1 is running" running "$(jqr '.data.instances[0].state')"
create '{"image":"local/dur:latest","name":"idle1","autostart":false,"memory_mb":256}'
create '{"image":"local/dur:latest","name":"again","autostart":true,"restart_policy":"always","wait_timeout_ms":5000}'
api g1 PUT /v1/instances/stop '[{"name":"again"}]'
api g1 GET /v1/instances/wait '[{"name":"again","state":"stopped","timeout_ms":5000}]'
api g1 PUT /v1/instances/start '[{"name":"again","wait_timeout_ms":5000}]'
expect_eq "again restarted by the user" running "$(jqr '.data.instances[0].state')"

snapshot() {  # the fields that must survive, one line per instance
  api g1 GET /v1/instances
  jq -c '.data.instances[] | [.uuid, .name, .created_at, .image, .memory_mb, .env, .restart_policy,
    .start_count, .private_ip]' "$TEST_TMP/r.json" | sort
}
before=$(snapshot)
expect_eq "three instances before the crash" 3 "$(echo "$before" | wc -l)"

# A burst of creates, then kill -9 in the middle of it.
for i in $(seq 1 20); do
  curl -s -o /dev/null -H "Authorization: Bearer $UKC_TOKEN" -X POST "http://$API/v1/instances" \
    -d "{\"image\":\"local/dur:latest\",\"name\":\"burst$i\"}" &
done
sleep 0.05
ukc_kill9_daemon
wait 2>/dev/null
ukc_start_daemon

after=$(snapshot)
for name in run1 idle1 again; do
  expect_eq "$name unchanged after kill -9" "$(echo "$before" | grep "\"$name\"")" \
    "$(echo "$after" | grep "\"$name\"")"
done
check "strict parse of the recovered list" strict instances
api g1 GET /v1/instances '[{"name":"run1"},{"name":"idle1"}]'
expect_eq "run1 recorded as stopped" stopped "$(jqr '.data.instances[0].state')"
expect_eq "run1 stop_reason: platform" 4 "$(jqr '.data.instances[0].stop_reason')"
check "run1 has a stopped_at" test -n "$(jqr '.data.instances[0].stopped_at')"
expect_eq "idle1 still never started" 0 "$(jqr '.data.instances[1].start_count')"
expect_eq "idle1 stays stopped without a stop reason" null "$(jqr '.data.instances[1].stop_reason')"
bursts=$(curl -s -H "Authorization: Bearer $UKC_TOKEN" "http://$API/v1/instances" |
  jq '[.data.instances[] | select(.name | startswith("burst"))] | length')
check "burst creates: whole instances only ($bursts of 20 survived)" test "$bursts" -le 20
api g1 GET /v1/instances
check "every burst instance is complete" \
  test "$(jqr '[.data.instances[] | select(.name | startswith("burst")) | select(.uuid and .created_at and .image)] | length')" = "$bursts"

api g1 PUT /v1/instances/start '[{"name":"run1","wait_timeout_ms":5000}]'
expect_eq "run1 starts again after recovery" running "$(jqr '.data.instances[0].state')"
api g1 GET /v1/instances '[{"name":"run1"}]'
expect_eq "run1 start_count counts the new start" 2 "$(jqr '.data.instances[0].start_count')"
api g1 POST /v1/instances '{"image":"local/dur:latest","name":"run1"}'
expect_eq "the name is still taken after recovery" 23 "$(jqr '.data.instances[0].error')"

# A graceful daemon stop records its own platform stop (forced: the VMs are cut off).
ukc_stop_daemon
ukc_start_daemon
api g1 GET /v1/instances '[{"name":"run1"}]'
expect_eq "run1 after SIGTERM: stopped" stopped "$(jqr '.data.instances[0].state')"
expect_eq "run1 after SIGTERM: stop_reason forced+platform" 20 "$(jqr '.data.instances[0].stop_reason')"

ukc_finish
