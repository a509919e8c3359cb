import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExternalSecret } from "../../../src/api/externalsecret.js";
import { resourceVersionOf, secretDataHash } from "../../../src/controllers/common/hash.js";
import { ANNOTATION_DATA_HASH } from "../../../src/controllers/externalsecret/constants.js";
import {
  ForcedSyncs,
  isSecretValid,
  nextRefreshAtMs,
  nextVisit,
  planSync,
  readSetOf,
  refreshesPeriodically,
  refreshIntervalMs,
  refreshPhaseMs,
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

  it("intervals that are not whole seconds requeue at the remaining interval with at most the given jitter", () => {
    assert.equal(requeueAfterMs(es({}), 1500, NOW), 1500, "never synced: a full interval");
    const e = synced({}, new Date(NOW - 400).toISOString());
    assert.equal(requeueAfterMs(e, 1500, NOW), 1100);
    assert.equal(
      requeueAfterMs(e, 1500, NOW, 0.1, () => 0.999),
      1249,
    );
    assert.deepEqual(nextVisit(synced({}, new Date(NOW - 5000).toISOString()), 1500, NOW), { requeue: true });
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

describe("plan: refresh phase", () => {
  const MIN = 60_000;
  const reading = (keys: string[], name = "es", namespace = "ns") => {
    const e = es({ data: keys.map((key, i) => ({ secretKey: `k${i}`, remoteRef: { key } })) }, { name, namespace });
    return e;
  };

  it("ExternalSecrets reading the same remote secrets through the same store share a phase", () => {
    const a = reading(["db/user", "db/pass"], "a");
    const b = reading(["db/pass", "db/user"], "b");
    b.spec.data!.reverse();
    b.spec.data![0]!.secretKey = "other";
    assert.equal(readSetOf(a), readSetOf(b));
    assert.equal(refreshPhaseMs(a, MIN), refreshPhaseMs(b, MIN));
    assert.notEqual(readSetOf(a), readSetOf(reading(["db/user", "db/pass"], "a", "other-ns")), "namespaces differ");
    const otherStore = reading(["db/user", "db/pass"], "c");
    otherStore.spec.secretStoreRef = { name: "store", kind: "ClusterSecretStore" };
    assert.notEqual(readSetOf(a), readSetOf(otherStore), "a ClusterSecretStore of the same name is another store");
    assert.notEqual(readSetOf(a), readSetOf(reading(["db/user"], "d")));
  });

  it("different read sets spread over the interval: no second carries a herd", () => {
    const perSecond = new Array<number>(60).fill(0);
    for (let i = 0; i < 6000; i++) perSecond[refreshPhaseMs(reading([`app-${i}`]), MIN)! / 1000]!++;
    assert.ok(Math.max(...perSecond) < 160, `busiest second ${Math.max(...perSecond)} of 6000 over 60 s`);
    assert.ok(Math.min(...perSecond) > 50, `quietest second ${Math.min(...perSecond)}`);
  });

  it("the next refresh is never more than one interval after the last, and stays on the phase once there", () => {
    const e = reading(["db/user"]);
    const phase = refreshPhaseMs(e, MIN)!;
    for (let last = NOW; last < NOW + 2 * MIN; last += 7_000) {
      const next = nextRefreshAtMs(e, MIN, last);
      assert.ok(next > last && next <= last + MIN, `after ${last - NOW}: ${next - last}`);
      assert.equal(next % MIN, phase);
    }
    // A refresh that ran a little after its phase point (recorded in whole seconds) is due again one interval later.
    const point = nextRefreshAtMs(e, MIN, NOW);
    const ranAt = Math.floor((point + 850) / 1000) * 1000;
    assert.equal(nextRefreshAtMs(e, MIN, ranAt), point + MIN);
  });

  it("a group synced at scattered times refreshes together from its first phase point on", () => {
    const nexts = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const member = reading(["shared/a", "shared/b"], `es-${i}`);
      const firstSync = NOW + i * 1_234;
      const first = nextRefreshAtMs(member, MIN, Math.floor(firstSync / 1000) * 1000);
      nexts.add(nextRefreshAtMs(member, MIN, first));
      assert.ok(first - firstSync <= MIN);
    }
    assert.ok(nexts.size <= 2, "one phase point, or the next one for members synced after it");
    const [a, b] = [...nexts];
    if (b !== undefined) assert.equal(Math.abs(a! - b), MIN);
  });

  it("a sync requeues to its next phase point, where the plan finds the refresh due (and not a second before)", () => {
    const e = reading(["db/user"]);
    e.spec.refreshInterval = "1m";
    const syncedAt = NOW + 123;
    const after = requeueAfterMs(e, MIN, syncedAt, 0.05, Math.random, syncedAt)!;
    assert.ok(after > 0 && after <= MIN);
    e.status = { refreshTime: new Date(NOW).toISOString(), syncedResourceVersion: resourceVersionOf(e.metadata!) };
    const due = syncedAt + after;
    assert.equal(shouldRefresh(e, MIN, due - 1000), false);
    assert.equal(shouldRefresh(e, MIN, due), true);
    assert.equal(requeueAfterMs(e, MIN, due - 1000), 1000, "a visit before it waits for the phase point");
  });
});
