import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExternalSecret } from "../../../src/api/externalsecret.js";
import { resourceVersionOf, secretDataHash } from "../../../src/controllers/common/hash.js";
import { ANNOTATION_DATA_HASH } from "../../../src/controllers/externalsecret/constants.js";
import {
  ForcedSyncs,
  isSecretValid,
  nextVisit,
  planSync,
  refreshesPeriodically,
  refreshIntervalMs,
  requeueAfterMs,
  shouldRefresh,
} from "../../../src/controllers/externalsecret/pipeline/plan.js";
import type { SecretObject } from "../../../src/controllers/externalsecret/pipeline/secret-object.js";
import { MANAGED_LABEL } from "../../../src/kube/index.js";

const NOW = Date.parse("2026-01-01T00:10:00Z");

function es(spec: Partial<ExternalSecret["spec"]> = {}, meta: Record<string, unknown> = {}): ExternalSecret {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "es", namespace: "ns", uid: "uid-1", generation: 1, ...meta },
    spec: { secretStoreRef: { name: "store" }, ...spec },
  };
}

/** An ExternalSecret synced at `at` with nothing changed since. */
function synced(spec: Partial<ExternalSecret["spec"]> = {}, at = "2026-01-01T00:00:00Z"): ExternalSecret {
  const e = es(spec);
  e.status = { refreshTime: at, syncedResourceVersion: resourceVersionOf(e.metadata!) };
  return e;
}

function liveSecret(data: Record<string, string>, managed = true): SecretObject {
  const decoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v)]));
  return {
    metadata: {
      name: "es",
      namespace: "ns",
      uid: "s-1",
      labels: managed ? { [MANAGED_LABEL]: "true" } : {},
      annotations: { [ANNOTATION_DATA_HASH]: secretDataHash(decoded) },
    },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
  };
}

describe("plan: refresh policy", () => {
  it("periodic refresh waits for the interval; a spec, label or force-sync annotation change makes it due", () => {
    const e = es({ refreshInterval: "1h" });
    assert.equal(shouldRefresh(e, 3600_000, NOW), true, "never synced");
    e.status = { refreshTime: "2026-01-01T00:00:00Z", syncedResourceVersion: resourceVersionOf(e.metadata!) };
    assert.equal(shouldRefresh(e, 3600_000, NOW), false);
    assert.equal(shouldRefresh(e, 300_000, NOW), true, "a 5m interval has passed");
    e.metadata!.annotations = { "force-sync": "1" };
    assert.equal(shouldRefresh(e, 3600_000, NOW), true);
  });

  it("CreatedOnce syncs once; OnChange syncs when the ExternalSecret changes; neither comes back on a timer", () => {
    const e = es({ refreshPolicy: "CreatedOnce" });
    e.status = { refreshTime: "2026-01-01T00:00:00Z", syncedResourceVersion: "old" };
    assert.equal(shouldRefresh(e, 1000, NOW), false);
    e.spec.refreshPolicy = "OnChange";
    assert.equal(shouldRefresh(e, 1000, NOW), true);
    e.status.syncedResourceVersion = resourceVersionOf(e.metadata!);
    assert.equal(shouldRefresh(e, 1000, NOW), false);
    assert.equal(requeueAfterMs(e, 1000, NOW), undefined);
    assert.equal(nextVisit(e, 1000, NOW), undefined);
  });

  it("interval 0 syncs only on change; unset uses the controller's default; garbage falls back to 1h", () => {
    assert.equal(shouldRefresh(synced({ refreshInterval: "0" }, "2020-01-01T00:00:00Z"), 0, NOW), false);
    assert.equal(refreshIntervalMs(es({}), 120_000), 120_000);
    assert.equal(refreshIntervalMs(es({})), 3600_000);
    assert.equal(refreshIntervalMs(es({ refreshInterval: "soon" })), 3600_000);
    assert.equal(refreshIntervalMs(es({ refreshInterval: "90s" })), 90_000);
  });

  it("requeues at the remaining interval with at most the given jitter fraction", () => {
    assert.equal(requeueAfterMs(es({}), 3600_000, NOW), 3600_000, "never synced: a full interval");
    const e = synced({}, new Date(NOW - 400).toISOString());
    assert.equal(requeueAfterMs(e, 1000, NOW), 600);
    assert.equal(
      requeueAfterMs(es({}, {}), 1000, NOW, 0.1, () => 0.999),
      1099,
    );
    assert.deepEqual(nextVisit(synced({}, new Date(NOW - 5000).toISOString()), 1000, NOW), { requeue: true });
  });

  it("only Periodic ExternalSecrets with an interval are forced by store changes", () => {
    assert.equal(refreshesPeriodically(es({})), true);
    assert.equal(refreshesPeriodically(es({ refreshInterval: "0" })), false);
    assert.equal(refreshesPeriodically(es({ refreshPolicy: "OnChange" })), false);
    assert.equal(refreshesPeriodically(es({ refreshInterval: "bogus" })), true);
  });
});

describe("plan: is a sync due", () => {
  it("a valid Secret inside the interval needs nothing", () => {
    const plan = planSync({ es: synced(), live: liveSecret({ a: "1" }), nowMs: NOW, forced: false });
    assert.deepEqual(plan, { sync: false, intervalMs: 3600_000 });
  });

  it("an edited, unlabelled or deleted Secret is drift: synced without a refresh being due", () => {
    const edited = liveSecret({ a: "1" });
    edited.data = { a: Buffer.from("tampered").toString("base64") };
    for (const live of [edited, liveSecret({ a: "1" }, false), undefined]) {
      const plan = planSync({ es: synced(), live, nowMs: NOW, forced: false });
      assert.deepEqual(plan, { sync: true, intervalMs: 3600_000, drift: true, fresh: false });
    }
    assert.equal(isSecretValid(undefined, "None"), true, "creationPolicy None has no Secret to check");
  });

  it("a forced sync runs inside the interval and is not drift", () => {
    const plan = planSync({ es: synced(), live: liveSecret({ a: "1" }), nowMs: NOW, forced: true });
    assert.deepEqual(plan, { sync: true, intervalMs: 3600_000, drift: false, fresh: false });
  });

  it("a sync after the user changed the ExternalSecret asks for fresh data", () => {
    const e = synced();
    e.metadata!.generation = 2;
    const plan = planSync({ es: e, live: liveSecret({ a: "1" }), nowMs: NOW, forced: false });
    assert.deepEqual(plan, { sync: true, intervalMs: 3600_000, drift: false, fresh: true });
    const first = planSync({ es: es({}), live: undefined, nowMs: NOW, forced: false });
    assert.equal(first.sync && first.fresh, false, "a first sync is not a user request for fresh data");
  });
});

describe("plan: forced syncs", () => {
  it("are taken once, and skipped for ExternalSecrets that do not refresh on a timer", () => {
    const forced = new ForcedSyncs();
    forced.request("ns/a", es({}));
    forced.request("ns/b", es({ refreshPolicy: "CreatedOnce" }));
    forced.request("ns/c");
    assert.equal(forced.take("ns/a"), true);
    assert.equal(forced.take("ns/a"), false);
    assert.equal(forced.take("ns/b"), false);
    assert.equal(forced.take("ns/c"), true);
  });
});
