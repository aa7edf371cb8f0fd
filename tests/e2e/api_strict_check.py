#!/usr/bin/env python3
"""Parses a platform API response with the strictness of the real clients (ukc-api.md §2, §5, §12).

Usage: api_strict_check.py BODY_FILE HTTP_CODE [COLLECTION]   (instances, images, quotas, ...)

What it enforces (each a way a real client breaks):
  * the body is one JSON object with `status` in success|partial_success|error (G1, G3 Go);
  * `op_time_us` is present and an integer (the Python SDK's envelope models require it);
  * `data` is present; on HTTP 200 it has exactly one key (the collection, a list): the G1 SDK
    refuses more than one key and AllOrErr fails without `data`; error envelopes carry at most
    one key and an `errors` list of {"status": <the HTTP code>};
  * a non-success envelope carries a string `message`; items with status error carry an integer
    `error` code and a string `message` (G1 aggregates "<message> (code=<error>)");
  * the top-level status agrees with the items: partial_success iff some but not all failed;
  * created_at / started_at / stopped_at / restart.next_at are "" or RFC3339 as Go's
    time.Parse(time.RFC3339) reads them (kraftkit aborts the listing otherwise);
  * `scale_to_zero`, when present, has policy (on|off|idle), stateful (bool) and
    cooldown_time_ms (int): kraftkit dereferences all three;
  * instance fields have the types of the G1 SDK structs (ints, []string args, map env, ...);
  * log items: `output` is strict base64, range.end - range.start == len(decoded output),
    `available` covers `range`.
Prints nothing and exits 0 when fine; otherwise prints every problem and exits 1.
"""
import base64
import binascii
import calendar
import json
import re
import sys

RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$")
STATES = {"stopped", "starting", "running", "draining", "stopping", "standby", "template"}
INT_FIELDS = ["memory_mb", "vcpus", "start_count", "restart_count", "uptime_ms", "boot_time_us",
              "net_time_us", "stop_reason", "stop_code", "exit_code", "rss_bytes", "cpu_time_ms",
              "rx_bytes", "rx_packets", "tx_bytes", "tx_packets", "nconns", "nreqs", "nqueued",
              "ntotal"]
STR_FIELDS = ["uuid", "name", "state", "previous_state", "image", "private_fqdn", "private_ip",
              "restart_policy", "created_at", "started_at", "stopped_at"]

problems = []


def bad(where, what):
    problems.append(f"{where}: {what}")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def go_rfc3339(text):
    """True iff Go's time.Parse(time.RFC3339, text) succeeds."""
    m = RFC3339.match(text)
    if not m:
        return False
    year, month, day, hour, minute, sec = (int(m.group(i)) for i in range(1, 7))
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or sec > 59:
        return False
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    if m.group(9) and (int(m.group(10)) > 23 or int(m.group(11)) > 59):
        return False
    return True


def check_time(where, item, key):
    if key not in item:
        return
    v = item[key]
    if not isinstance(v, str):
        bad(where, f"{key} is not a string: {v!r}")
    elif v and not go_rfc3339(v):
        bad(where, f"{key} is not RFC3339: {v!r}")


def check_instance(where, item):
    for key in INT_FIELDS:
        if key in item and not is_int(item[key]):
            bad(where, f"{key} is not an integer: {item[key]!r}")
    for key in STR_FIELDS:
        if key in item and not isinstance(item[key], str):
            bad(where, f"{key} is not a string: {item[key]!r}")
    for key in ("state", "previous_state"):
        if key in item and item[key] not in STATES:
            bad(where, f"{key} {item[key]!r} is not a state")
    for key in ("created_at", "started_at", "stopped_at"):
        check_time(where, item, key)
    if "restart" in item:
        r = item["restart"]
        if not isinstance(r, dict) or not is_int(r.get("attempt", 0)):
            bad(where, f"restart is malformed: {r!r}")
        else:
            check_time(where + ".restart", r, "next_at")
    if "scale_to_zero" in item:
        s = item["scale_to_zero"]
        if not isinstance(s, dict):
            bad(where, f"scale_to_zero is not an object: {s!r}")
        else:
            if s.get("policy") not in ("on", "off", "idle"):
                bad(where, f"scale_to_zero.policy missing or invalid: {s!r}")
            if not isinstance(s.get("stateful"), bool):
                bad(where, f"scale_to_zero.stateful missing or not a bool: {s!r}")
            if not is_int(s.get("cooldown_time_ms")):
                bad(where, f"scale_to_zero.cooldown_time_ms missing or not an int: {s!r}")
            if "enabled" in s and not isinstance(s["enabled"], bool):
                bad(where, "scale_to_zero.enabled is not a bool")
    if "args" in item and not (isinstance(item["args"], list) and
                               all(isinstance(a, str) for a in item["args"])):
        bad(where, f"args is not a list of strings: {item['args']!r}")
    if "env" in item and not (isinstance(item["env"], dict) and
                              all(isinstance(v, str) for v in item["env"].values())):
        bad(where, f"env is not a map of strings: {item['env']!r}")
    for key in ("tags",):
        if key in item and not (isinstance(item[key], list) and
                                all(isinstance(a, str) for a in item[key])):
            bad(where, f"{key} is not a list of strings")
    for key in ("volumes", "network_interfaces"):
        if key in item and not (isinstance(item[key], list) and
                                all(isinstance(a, dict) for a in item[key])):
            bad(where, f"{key} is not a list of objects")
    if "service_group" in item:
        g = item["service_group"]
        if not isinstance(g, dict) or not isinstance(g.get("domains", []), list):
            bad(where, f"service_group is malformed: {g!r}")
        elif not all(isinstance(d, dict) and isinstance(d.get("fqdn"), str)
                     for d in g["domains"]):
            bad(where, f"service_group.domains without string fqdns: {g!r}")
    if "output" in item or "range" in item or "available" in item:
        check_log(where, item)


def check_image(where, item):
    """The G1 SDK's image struct: args and kernel_args are strings, not lists."""
    for key in ("digest", "args", "kernel_args"):
        if key in item and not isinstance(item[key], str):
            bad(where, f"{key} is not a string: {item[key]!r}")
    if not (isinstance(item.get("tags", []), list) and
            all(isinstance(t, str) for t in item.get("tags", []))):
        bad(where, "tags is not a list of strings")
    if "size_in_bytes" in item and not is_int(item["size_in_bytes"]):
        bad(where, "size_in_bytes is not an integer")
    if "initrd" in item and not isinstance(item["initrd"], bool):
        bad(where, "initrd is not a bool")
    check_time(where, item, "created_at")


def check_service_group(where, item):
    """A service group (§7.4) with the G1 SDK's types; list-all items may lack nothing."""
    for key in ("uuid", "name", "created_at"):
        if key in item and not isinstance(item[key], str):
            bad(where, f"{key} is not a string: {item[key]!r}")
    check_time(where, item, "created_at")
    for key in ("persistent", "autoscale"):
        if key in item and not isinstance(item[key], bool):
            bad(where, f"{key} is not a bool: {item[key]!r}")
    for key in ("soft_limit", "hard_limit"):
        if key in item and not is_int(item[key]):
            bad(where, f"{key} is not an integer: {item[key]!r}")
    for s in item.get("services", []):
        if not (isinstance(s, dict) and is_int(s.get("port")) and is_int(s.get("destination_port"))
                and isinstance(s.get("handlers"), list)
                and all(isinstance(h, str) for h in s["handlers"])):
            bad(where, f"service is not {{port, destination_port, handlers}}: {s!r}")
    for d in item.get("domains", []):
        if not (isinstance(d, dict) and isinstance(d.get("fqdn"), str)):
            bad(where, f"domain without a string fqdn: {d!r}")
    for i in item.get("instances", []):
        if not (isinstance(i, dict) and isinstance(i.get("uuid"), str)
                and isinstance(i.get("name"), str)):
            bad(where, f"instance is not {{uuid, name}}: {i!r}")


def check_span(where, item, key):
    span = item.get(key)
    if not (isinstance(span, dict) and is_int(span.get("start")) and is_int(span.get("end"))):
        bad(where, f"{key} is not {{start:int,end:int}}: {span!r}")
        return None
    if span["start"] < 0 or span["end"] < span["start"]:
        bad(where, f"{key} is not a forward span: {span!r}")
    return span["start"], span["end"]


def check_log(where, item):
    out = item.get("output")
    if not isinstance(out, str):
        bad(where, f"output is not a string: {out!r}")
        return
    try:
        decoded = base64.b64decode(out, validate=True)
    except (binascii.Error, ValueError) as e:
        bad(where, f"output is not strict base64: {e}")
        return
    rng = check_span(where, item, "range")
    avail = check_span(where, item, "available")
    if rng and rng[1] - rng[0] != len(decoded):
        bad(where, f"range {rng} does not match {len(decoded)} decoded bytes")
    if rng and avail and not (avail[0] <= rng[0] and rng[1] <= avail[1]):
        bad(where, f"available {avail} does not cover range {rng}")


def main():
    path, code = sys.argv[1], int(sys.argv[2])
    collection = sys.argv[3] if len(sys.argv) > 3 else None
    raw = open(path, "rb").read()
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        print(f"body is not JSON ({e}): {raw[:200]!r}")
        return 1
    if not isinstance(body, dict):
        print(f"body is not an object: {body!r}"[:300])
        return 1
    status = body.get("status")
    if status not in ("success", "partial_success", "error"):
        bad("envelope", f"status {status!r}")
    if "op_time_us" not in body or not is_int(body["op_time_us"]) or body["op_time_us"] < 0:
        bad("envelope", f"op_time_us missing or not a non-negative integer: "
            f"{body.get('op_time_us')!r}")
    if status != "success" and not isinstance(body.get("message"), str):
        bad("envelope", "non-success envelope without a string message")
    data = body.get("data")
    if not isinstance(data, dict):
        bad("envelope", f"data missing or not an object: {data!r}")
        data = {}
    if code == 200:
        if len(data) != 1:
            bad("envelope", f"data must have exactly one key, has {sorted(data)}")
        if collection and collection not in data:
            bad("envelope", f"data has no {collection!r} key")
        if "errors" in body:
            bad("envelope", "a 200 response carries top-level errors")
    else:
        if len(data) > 1:
            bad("envelope", f"data has more than one key: {sorted(data)}")
        if status != "error":
            bad("envelope", f"HTTP {code} with status {status!r}")
        errors = body.get("errors")
        if not (isinstance(errors, list) and errors and isinstance(errors[0], dict) and
                errors[0].get("status") == code):
            bad("envelope", f"errors[0].status is not {code}: {errors!r}")
    items = []
    for key, value in data.items():
        if not isinstance(value, list):
            bad("envelope", f"data.{key} is not a list")
            continue
        items = value
    failed = 0
    for n, item in enumerate(items):
        where = f"item {n}"
        if not isinstance(item, dict):
            bad(where, f"not an object: {item!r}")
            continue
        if "status" in item and item["status"] not in ("success", "error", "unconfigured"):
            bad(where, f"status {item['status']!r}")
        if item.get("status") == "error":
            failed += 1
            if not is_int(item.get("error")):
                bad(where, f"error item without an integer error code: {item!r}")
            if not isinstance(item.get("message"), str) or not item.get("message"):
                bad(where, f"error item without a message: {item!r}")
        elif collection == "images":
            check_image(where, item)
        elif collection == "service_groups":
            check_service_group(where, item)
        elif collection in (None, "instances"):
            check_instance(where, item)
    if code == 200 and items:
        # All items failing: the reference leaves error vs partial_success open (§14.2).
        want = ("success",) if failed == 0 else ("partial_success",) if failed < len(items) \
            else ("error", "partial_success")
        if status not in want:
            bad("envelope", f"status {status!r} but {failed}/{len(items)} items failed")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
