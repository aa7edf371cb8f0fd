// Drives ukc-emu through the official JavaScript SDK, @unikraft/cloud 0.2.0, the way a real user
// would: the porcelain client (`new UnikraftCloud()`, configured from UKC_TOKEN and UKC_METRO
// only) and the plumbing client (`PlatformApi` from @unikraft/cloud/api/platform). Prints one
// "ok   - NAME" or "FAIL - NAME: why" line per check (lib.sh's format; a failure is followed by
// the exact requests and responses of that step) and "SDK-CLIENT-DONE passed=N failed=N" last.
// Exits non-zero on any failure. Run by api_js_sdk_test.sh from a directory whose node_modules
// holds the unpacked SDK tarballs.
//
// Env: UKC_TOKEN, UKC_METRO (http://127.0.0.1:PORT/v1), SDK_IMAGE (a pushed tag, user/app:tag),
// SDK_STEP_TIMEOUT_S (per step, default 60).
//
// ───── What the SDK sends (read from its dist/esm source; this is the contract it needs) ─────
// Base URL: UKC_METRO (or `baseUrl`) with trailing "/" removed and then a trailing "/v1" removed
// (core/metro.js metroBaseUrl); every generated path carries "/v1/…" itself. A PlatformApi built
// with a raw baseUrl ending in "/v1" does NOT strip it → "/v1/v1/…" (the server accepts that).
// Query: URLSearchParams, so "/" and ":" are percent-encoded (tag=local%2Fapp%3Alatest), array
// params are repeated keys (uuid=a&uuid=b), booleans are "true"/"false", numbers decimal.
// Headers: accept: application/json, authorization: Bearer <UKC_TOKEN>, user-agent:
// @unikraft/cloud (porcelain; a bare PlatformApi sends Node's default), content-type:
// application/json ONLY when there is a body. GET/HEAD never carry a body (everything a GET
// needs is in the query). Node's fetch keeps connections alive between requests.
//
//   porcelain call                          request
//   ukc.instances.list()                    GET    /v1/instances?count=100   (+&from=<uuid of
//                                                  the last item> while a page is full, 100)
//   await ukc.instances.get({name})         GET    /v1/instances?name=N&details=true
//   await ukc.instances.get({uuid})         GET    /v1/instances?uuid=U&details=true
//   ukc.instances.create(spec)              POST   /v1/instances  body = spec verbatim, here
//                                                  {"image":"local/jsapp:latest","autostart":true,
//                                                   "name":"…","memory_mb":128}
//   handle.wait({state,timeoutSeconds})     GET    /v1/instances/wait?uuid=U&state=running&timeout_s=30
//   handle.logs({offset,limit})             GET    /v1/instances/log?uuid=U[&offset=O&limit=L]
//   handle.stop()                           PUT    /v1/instances/stop    body [{"uuid":U}]
//   handle.start()                          PUT    /v1/instances/start   body [{"uuid":U}]
//   handle.delete()                         DELETE /v1/instances         body [{"uuid":U}]
//   ukc.instances.start/stop/delete(refs)   same paths, body = the refs ([{"uuid"}|{"name"}])
//   (handle = ukc.instances.get(ref) or create(); the ref is {"uuid"} once the create answered)
//   plumbing call (PlatformApi)             request
//   api.images.getImages({tag})             GET    /v1/images?tag=T        ({digest} → ?digest=D)
//   api.instances.getInstances({name:[N]})  GET    /v1/instances?name=N
//   api.instances.createInstance({body})    POST   /v1/instances  body {"image":…,"autostart":false}
//   api.instances.getInstanceByUuid(U)      GET    /v1/instances/U
//   api.instances.waitInstanceByUuid(U)     GET    /v1/instances/U/wait    (no query, no body:
//                                                  state must default to "running")
//   api.instances.getInstanceLogsByUuid(U)  GET    /v1/instances/U/log     (no query, no body:
//                                                  offset/limit must default)
//   api.instances.stopInstanceByUuid(U,…)   PUT    /v1/instances/U/stop    body {}
//   api.instances.startInstanceByUuid(U,…)  PUT    /v1/instances/U/start   body {}
//   api.instances.deleteInstanceByUuid(U)   DELETE /v1/instances/U         (no body)
//
// How it reads the answer (core/http.js request, core/response.js unwrap/unwrapFirst):
//  * non-2xx → throws UnikraftCloudError(status = HTTP status, message = body.message); the body
//    may be empty; a 2xx body that is not JSON is a parse error.
//  * 2xx → throws if top-level status is "error" or errors[0] exists; the message and status come
//    from the first data.<list>[] entry with status "error" (entry error code 8 ⇒ status 404,
//    which is how get()/orAbsent() recognise "not found"); "partial_success" does not throw.
//  * single-resource calls take data.<key>[0] (key "instances"; absent/empty ⇒ 404 "not found");
//    create uses its uuid (else name) as the ref for every chained call; list() reads
//    data.instances and pages on count/from with each item's uuid as the cursor.
//  * typed as required in the SDK models: every envelope: status, op_time_us; Instance: uuid,
//    name, created_at, state, image, memory_mb, vcpus, restart_policy; wait item: uuid, name,
//    state; start item: status, uuid, name, state, previous_state; stop item: uuid, name, state,
//    previous_state; delete item: status, uuid, name, previous_state; log item: uuid, name,
//    output (base64), available{start,end}, range{start,end}, state; Image: url, created_at,
//    initrd_or_rom, size_in_bytes (plus optional args: string[], env, tags, users).
import { PlatformApi } from "@unikraft/cloud/api/platform";
import { UnikraftCloud, UnikraftCloudError } from "@unikraft/cloud";

const TOKEN = process.env.UKC_TOKEN;
const METRO = process.env.UKC_METRO;
const IMAGE = process.env.SDK_IMAGE;
const STEP_TIMEOUT_MS = 1000 * Number(process.env.SDK_STEP_TIMEOUT_S || 60);
if (!TOKEN || !METRO || !IMAGE) {
  console.log("FAIL - sdk_client.mjs needs UKC_TOKEN, UKC_METRO and SDK_IMAGE");
  process.exit(2);
}
const ROOT = METRO.replace(/\/+$/, "").replace(/\/v1$/, "");  // what the SDK itself derives

// Every request and response, so a failing step can show exactly what went over the wire.
const trace = [];
function tracingFetch(url, init = {}) {
  const record = { method: init.method ?? "GET", url, body: init.body };
  trace.push(record);
  return globalThis.fetch(url, init).then(
    async (response) => {
      record.status = response.status;
      record.response = await response.clone().text();
      return response;
    },
    (err) => {
      record.error = String(err?.cause ?? err);
      throw err;
    },
  );
}

// Porcelain exactly as a user configures it from the environment, but with a tracing fetch.
const ukc = new UnikraftCloud({ fetch: tracingFetch });
// Plumbing as the README shows it, pointed at the emulator.
const api = new PlatformApi({ baseUrl: ROOT, token: TOKEN, fetch: tracingFetch });

let passed = 0;
let failed = 0;
const short = (s, n = 600) => (s === undefined ? "" : s.length > n ? `${s.slice(0, n)}…` : s);
function describe(err) {
  if (err instanceof UnikraftCloudError) {
    return `UnikraftCloudError(kind=${err.kind}, status=${err.status}): ${err.message}`;
  }
  if (err instanceof CheckFailure) return err.message;
  return err?.stack?.split("\n").slice(0, 2).join(" ") ?? String(err);
}
async function step(name, fn) {
  const mark = trace.length;
  let timer;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckFailure(`no answer within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      }),
    ]);
    passed++;
    console.log(`ok   - ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL - ${name}: ${describe(err)}`);
    const exchanges = trace.slice(mark);
    if (exchanges.length > 3) console.log(`       (${exchanges.length - 3} earlier requests of this step omitted)`);
    for (const r of exchanges.slice(-3)) {
      console.log(`       > ${r.method} ${r.url}${r.body ? ` ${short(String(r.body), 300)}` : ""}`);
      console.log(`       < ${r.status ?? r.error ?? "(no answer)"} ${short(r.response)}`);
    }
  } finally {
    clearTimeout(timer);
  }
}
class CheckFailure extends Error {}
function assert(cond, msg) {
  if (!cond) throw new CheckFailure(msg);
}
function eq(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
function need(value, what) {
  if (value === undefined) throw new CheckFailure(`skipped: needs ${what}, which failed earlier`);
  return value;
}
function hasFields(obj, fields, what) {
  const types = { number: "number", string: "string", boolean: "boolean", object: "object" };
  const missing = Object.entries(fields)
    .filter(([key, type]) => typeof obj?.[key] !== types[type] || obj[key] === null)
    .map(([key, type]) => `${key}:${type}`);
  assert(missing.length === 0, `${what} lacks ${missing.join(", ")} in ${JSON.stringify(obj)}`);
}
function okEnvelope(res, what) {
  assert(res && typeof res === "object", `${what}: no JSON envelope`);
  eq(res.status, "success", `${what}: envelope status`);
  assert(typeof res.op_time_us === "number", `${what}: envelope lacks op_time_us`);
}
// A porcelain call that must be refused as "not found" the way the real platform does it: HTTP 200
// whose data.instances[0] is {status:"error", error:8, message}, which the SDK turns into a
// UnikraftCloudError with status 404. (An HTTP 404 such as "No API endpoint" also reads as 404 to
// the SDK, so the body is checked too.)
async function expect404(work, what) {
  let value;
  try {
    value = await work;
  } catch (err) {
    if (!(err instanceof UnikraftCloudError)) throw err;
    eq(err.status, 404, `${what}: error status`);
    const entry = err.body?.data?.instances?.[0];
    assert(entry?.status === "error" && entry?.error === 8,
      `${what}: not an HTTP 200 per-item error 8 but ${JSON.stringify(err.body)}`);
    return;
  }
  throw new CheckFailure(`${what} resolved instead of failing: ${JSON.stringify(value)}`);
}
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const INSTANCE_FIELDS = {
  uuid: "string", name: "string", created_at: "string", state: "string", image: "string",
  memory_mb: "number", vcpus: "number", restart_policy: "string",
};
const NAME = `js-sdk-${process.pid}`;
const decode = (b64) => Buffer.from(b64, "base64").toString("latin1");

// ── images ──
await step("images: getImages({tag}) finds the pushed image", async () => {
  const res = await api.images.getImages({ tag: IMAGE });
  okEnvelope(res, "GET /v1/images?tag=");
  const images = res.data?.images ?? [];
  eq(images.length, 1, "number of images");
  assert(images[0].tags?.includes(IMAGE), `tags ${JSON.stringify(images[0].tags)} lack ${IMAGE}`);
});
await step("images: the image carries the SDK model's required fields", async () => {
  const res = await api.images.getImages({ tag: IMAGE });
  hasFields(res.data?.images?.[0], {
    url: "string", created_at: "string", initrd_or_rom: "boolean", size_in_bytes: "number",
  }, "Image");
});
await step("images: an unknown tag is an empty success", async () => {
  const res = await ukc.api.platform.images.getImages({ tag: "local/no-such-image:latest" });
  okEnvelope(res, "GET /v1/images?tag=<missing>");
  eq((res.data?.images ?? []).length, 0, "number of images");
});
await step("images: a baseUrl ending in /v1 (doubled /v1/v1 path) still works", async () => {
  const raw = new PlatformApi({ baseUrl: `${ROOT}/v1`, token: TOKEN, fetch: tracingFetch });
  const res = await raw.images.getImages({ tag: IMAGE });
  okEnvelope(res, "GET /v1/v1/images?tag=");
  eq((res.data?.images ?? []).length, 1, "number of images");
});

// ── list ──
let before = [];
await step("list: ukc.instances.list() answers (no instances yet)", async () => {
  before = [];
  for await (const inst of ukc.instances.list()) before.push(inst);
  eq(before.length, 0, "instances before any create");
});
await step("list: a plain new UnikraftCloud() (env config, the SDK's own fetch) lists too", async () => {
  const plain = new UnikraftCloud();
  const all = [];
  for await (const inst of plain.instances.list()) all.push(inst);
  eq(all.length, 0, "instances before any create");
});
await step("list: plumbing getInstances() envelope", async () => {
  const res = await api.instances.getInstances();
  okEnvelope(res, "GET /v1/instances");
  assert(Array.isArray(res.data?.instances), `data.instances is not an array: ${JSON.stringify(res.data)}`);
});
await step("auth: a bad token is refused with 401", async () => {
  const bad = new UnikraftCloud({ token: "bm9ib2R5Om5vdGhpbmc=", baseUrl: ROOT, fetch: tracingFetch });
  try {
    for await (const _ of bad.instances.list()) break;
    throw new CheckFailure("list with a bad token succeeded");
  } catch (err) {
    if (!(err instanceof UnikraftCloudError)) throw err;
    eq(err.status, 401, "status");
  }
});

// ── create (autostart) and wait ──
let uuid;
let handle;
let starts = 0;  // successful starts of the first instance, for start_count
await step("create: ukc.instances.create({image, autostart:true, name})", async () => {
  handle = ukc.instances.create({ image: IMAGE, autostart: true, name: NAME, memory_mb: 128 });
  const created = await handle;
  hasFields(created, { uuid: "string", name: "string", state: "string" }, "created instance");
  eq(created.name, NAME, "name");
  assert(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(created.uuid),
    `uuid ${created.uuid} is not an RFC 4122 UUID`);
  assert(["starting", "running"].includes(created.state), `state ${created.state} after autostart`);
  uuid = created.uuid;
  starts = 1;
});
await step("wait: handle.wait({state:'running'}) reports running", async () => {
  need(uuid, "create");
  const waited = await handle.wait({ state: "running", timeoutSeconds: 30 });
  hasFields(waited, { uuid: "string", name: "string", state: "string" }, "wait item");
  eq(waited.uuid, uuid, "uuid");
  eq(waited.state, "running", "state");
});
await step("wait: local scope waitInstanceByUuid(uuid) defaults to running", async () => {
  const res = await api.instances.waitInstanceByUuid(need(uuid, "create"));
  okEnvelope(res, "GET /v1/instances/{uuid}/wait");
  eq(res.data?.instances?.[0]?.state, "running", "state");
});

// ── get / list ──
await step("get: ukc.instances.get({name}) returns the full instance", async () => {
  need(uuid, "create");
  const inst = await ukc.instances.get({ name: NAME });
  hasFields(inst, INSTANCE_FIELDS, "Instance");
  eq(inst.uuid, uuid, "uuid");
  eq(inst.state, "running", "state");
  assert(RFC3339.test(inst.created_at), `created_at ${inst.created_at} is not RFC 3339`);
  assert(inst.image.includes("jsapp"), `image ${inst.image} does not name the pushed image`);
  eq(inst.memory_mb, 128, "memory_mb");
});
await step("get: local scope getInstanceByUuid(uuid)", async () => {
  const res = await api.instances.getInstanceByUuid(need(uuid, "create"));
  okEnvelope(res, "GET /v1/instances/{uuid}");
  eq(res.data?.instances?.[0]?.name, NAME, "name");
});
await step("list: the new instance is listed", async () => {
  need(uuid, "create");
  const all = [];
  for await (const inst of ukc.instances.list()) all.push(inst);
  const mine = all.filter((i) => i.uuid === uuid);
  eq(mine.length, 1, "listed entries with the new uuid");
  eq(mine[0].name, NAME, "name");
});

// ── logs ──
await step("logs: handle.logs() returns the console output", async () => {
  need(uuid, "create");
  const inst = ukc.instances.get({ uuid });
  let log;
  for (let i = 0; i < 50; i++) {  // the fake VMM writes its console at app start
    log = await inst.logs();
    if (log.output && decode(log.output).length > 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  hasFields(log, { uuid: "string", name: "string", output: "string", available: "object", range: "object",
    state: "string" }, "log item");
  const text = decode(log.output);
  assert(text.length > 0, "console output is empty");
  eq(log.range.end - log.range.start, Buffer.from(log.output, "base64").length, "range length vs output");
  assert(log.available.end >= log.range.end, `available ${JSON.stringify(log.available)} ends before range`);
});
await step("logs: offset 0 reads from the first byte", async () => {
  const log = await ukc.instances.get({ uuid: need(uuid, "create") }).logs({ offset: 0, limit: 4096 });
  eq(log.range?.start, 0, "range.start");
  assert(Buffer.from(log.output, "base64").length > 0, "no output from offset 0");
});
await step("logs: local scope getInstanceLogsByUuid(uuid)", async () => {
  const res = await api.instances.getInstanceLogsByUuid(need(uuid, "create"));
  okEnvelope(res, "GET /v1/instances/{uuid}/log");
  assert(decode(res.data?.instances?.[0]?.output ?? "").length > 0, "console output is empty");
});

// ── stop / start ──
await step("stop: handle.stop() then wait stopped", async () => {
  const inst = ukc.instances.get({ uuid: need(uuid, "create") });
  const stopped = await inst.stop();
  hasFields(stopped, { uuid: "string", name: "string", state: "string", previous_state: "string" }, "stop item");
  eq(stopped.previous_state, "running", "previous_state");
  assert(["draining", "stopping", "stopped"].includes(stopped.state), `state ${stopped.state} after stop`);
  eq((await inst.wait({ state: "stopped", timeoutSeconds: 30 })).state, "stopped", "state after wait");
});
await step("start: ukc.instances.start([{uuid}]) then wait running", async () => {
  need(uuid, "create");
  const started = await ukc.instances.start([{ uuid }]);
  eq(started.length, 1, "result entries");
  starts++;
  hasFields(started[0], { status: "string", uuid: "string", name: "string", state: "string",
    previous_state: "string" }, "start item");
  eq(started[0].previous_state, "stopped", "previous_state");
  eq((await ukc.instances.get({ uuid }).wait({ state: "running", timeoutSeconds: 30 })).state, "running",
    "state after wait");
});
await step("stop/start: local scope stopInstanceByUuid and startInstanceByUuid", async () => {
  need(uuid, "create");
  const stop = await api.instances.stopInstanceByUuid(uuid, { body: {} });
  okEnvelope(stop, "PUT /v1/instances/{uuid}/stop");
  eq(stop.data?.instances?.[0]?.previous_state, "running", "stop previous_state");
  await ukc.instances.get({ uuid }).wait({ state: "stopped", timeoutSeconds: 30 });
  const start = await api.instances.startInstanceByUuid(uuid, { body: {} });
  okEnvelope(start, "PUT /v1/instances/{uuid}/start");
  starts++;
  eq(start.data?.instances?.[0]?.previous_state, "stopped", "start previous_state");
  await ukc.instances.get({ uuid }).wait({ state: "running", timeoutSeconds: 30 });
});
await step("get: start_count counts every start", async () => {
  const inst = await ukc.instances.get({ uuid: need(uuid, "create") });
  eq(inst.start_count, starts, "start_count");
});

// ── delete ──
await step("delete: handle.delete() then get is 404", async () => {
  const deleted = await ukc.instances.get({ uuid: need(uuid, "create") }).delete();
  hasFields(deleted, { status: "string", uuid: "string", name: "string", previous_state: "string" }, "delete item");
  eq(deleted.uuid, uuid, "uuid");
  await expect404(ukc.instances.get({ uuid }), "get after delete");
});
let second;
await step("create: plumbing createInstance({autostart:false}) is stopped, named after the image", async () => {
  const res = await api.instances.createInstance({ body: { image: IMAGE, autostart: false } });
  okEnvelope(res, "POST /v1/instances");
  const inst = res.data?.instances?.[0];
  hasFields(inst, { uuid: "string", name: "string", state: "string" }, "created instance");
  second = inst.uuid;
  eq(inst.state, "stopped", "state");
  const app = IMAGE.replace(/[:@].*$/, "").split("/").pop();
  assert(new RegExp(`^${app}-[a-z0-9]{5}$`).test(inst.name), `generated name ${inst.name} is not ${app}-xxxxx`);
});
await step("delete: local scope deleteInstanceByUuid(uuid)", async () => {
  const res = await api.instances.deleteInstanceByUuid(need(second, "the second create"));
  okEnvelope(res, "DELETE /v1/instances/{uuid}");
  eq(res.data?.instances?.[0]?.previous_state, "stopped", "previous_state");
  await expect404(ukc.instances.get({ uuid: second }), "get after delete");
});
await step("list: nothing is left", async () => {
  const all = [];
  for await (const inst of ukc.instances.list()) all.push(inst);
  eq(all.length, 0, "instances after deleting both");
});

// ── not found ──
await step("not found: ukc.instances.get({name}) of a missing instance rejects with 404", async () => {
  await expect404(ukc.instances.get({ name: "no-such-instance" }), "get of a missing name");
});
await step("not found: plumbing getInstances({name}) is HTTP 200 with a per-item error 8", async () => {
  const res = await api.instances.getInstances({ name: ["no-such-instance"] });
  assert(["error", "partial_success"].includes(res.status), `envelope status ${res.status}`);
  const item = res.data?.instances?.[0];
  eq(item?.status, "error", "item status");
  eq(item?.error, 8, "item error code");
  eq(item?.name, "no-such-instance", "item name");
  assert(typeof item?.message === "string" && item.message.length > 0, "item has no message");
});

// ── the wire, across every step ──
await step("every JSON answer is an envelope with status and op_time_us", async () => {
  const bad = trace.filter((r) => {
    if (r.status === undefined) return false;
    try {
      const body = JSON.parse(r.response);
      return typeof body.status !== "string" || typeof body.op_time_us !== "number";
    } catch {
      return true;
    }
  });
  assert(bad.length === 0, `${bad.length} answers were not envelopes, e.g. ${bad[0]?.method} ${bad[0]?.url} → ${bad[0]?.status} ${short(bad[0]?.response, 200)}`);
});

console.log(`SDK-CLIENT-DONE passed=${passed} failed=${failed}`);
process.exit(failed === 0 ? 0 : 1);
