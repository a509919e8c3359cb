/**
 * API cost of steady-state reconciles: PushSecrets, ClusterPushSecrets and ClusterExternalSecrets that
 * refresh every second read their own objects, their stores, their children and the namespaces from the
 * informer caches; only their writes (and source Secret reads) reach the API server. GeneratorStates are
 * read from their cache too.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { GENERATOR_STATE_FINALIZER } from "../../src/generators/state/manager.js";
import { CLUSTER_PUSH_SECRETS, GENERATOR_STATES, PUSH_SECRETS } from "../../src/kube/index.js";
import { RuntimeMetrics } from "../../src/runtime/metrics.js";
import { eventually } from "../support/poll.js";
import {
  CLUSTER_EXTERNAL_SECRETS,
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  fakeStore,
  readyCondition,
  SECRETS,
  secretManifest,
  useHarness,
} from "../support/world.js";

const runtimeMetrics = new RuntimeMetrics({ registry: new Registry() });
const TEAM = ["reads-a", "reads-b"];

const h = useHarness({ runtimeMetrics }, async (h) => {
  for (const ns of TEAM) await createNamespace(h, ns, { team: "reads" });
  await createNamespace(h, "reads-other");
  for (const ns of TEAM) await h.client.create(SECRETS, secretManifest(ns, "src", { k: `value-of-${ns}` }));
  await createReadyStore(h, fakeStore("fake", "reads-a", []));
  await createReadyStore(h, fakeStore("reads-css", undefined, [{ key: "shared", value: "s" }]));
});

/** Reconciles `controller` has finished so far. */
async function reconciles(controller: string): Promise<number> {
  const metric = await runtimeMetrics.reconcileTotal.get();
  return metric.values.filter((v) => v.labels.controller === controller).reduce((n, v) => n + v.value, 0);
}

describe("steady-state reads", () => {
  it("PushSecret, ClusterPushSecret and ClusterExternalSecret refreshes do not GET what the caches hold", async (t) => {
    await h.client.create(PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "ps", namespace: "reads-a" },
      spec: {
        refreshInterval: "1s",
        secretStoreRefs: [
          { name: "fake", kind: "SecretStore" },
          { name: "reads-css", kind: "ClusterSecretStore" },
        ],
        selector: { secret: { name: "src" } },
        data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "reads-k" } } }],
      },
    });
    await h.client.create(CLUSTER_PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "ClusterPushSecret",
      metadata: { name: "cps" },
      spec: {
        pushSecretName: "cps-child",
        refreshTime: "1s",
        namespaceSelectors: [{ matchLabels: { team: "reads" } }],
        pushSecretSpec: {
          refreshInterval: "1h",
          secretStoreRefs: [{ name: "reads-css", kind: "ClusterSecretStore" }],
          selector: { secret: { name: "src" } },
          data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "reads-cps-k" } } }],
        },
      },
    });
    await h.client.create(CLUSTER_EXTERNAL_SECRETS, {
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterExternalSecret",
      metadata: { name: "ces" },
      spec: {
        externalSecretName: "ces-child",
        refreshTime: "1s",
        namespaceSelectors: [{ matchExpressions: [{ key: "team", operator: "In", values: ["reads"] }] }],
        externalSecretSpec: {
          refreshInterval: "1h",
          secretStoreRef: { name: "reads-css", kind: "ClusterSecretStore" },
          data: [{ secretKey: "v", remoteRef: { key: "shared" } }],
        },
      },
    });

    await eventually(async () => (await readyCondition(h, PUSH_SECRETS, "reads-a", "ps"))?.status === "True");
    for (const [rt, name] of [
      [CLUSTER_PUSH_SECRETS, "cps"],
      [CLUSTER_EXTERNAL_SECRETS, "ces"],
    ] as const) {
      const owner = await eventually(async () => {
        const o = await h.client.get(rt, "", name);
        return o?.status?.provisionedNamespaces?.length === 2 ? o : undefined;
      });
      assert.deepEqual(owner.status.provisionedNamespaces, TEAM, `${name} selects by label`);
    }
    for (const ns of TEAM) {
      await eventually(async () => (await readyCondition(h, PUSH_SECRETS, ns, "cps-child"))?.status === "True");
      assert.ok(await h.client.get(EXTERNAL_SECRETS, ns, "ces-child"));
    }
    assert.equal(await h.client.get(PUSH_SECRETS, "reads-other", "cps-child"), undefined);

    // Steady state: from here on the test makes no API request of its own until it reads the counts.
    h.api.resetCounts();
    const start = {
      ps: await reconciles("pushsecret"),
      cps: await reconciles("clusterpushsecret"),
      ces: await reconciles("clusterexternalsecret"),
    };
    const done = { ps: 0, cps: 0, ces: 0 };
    await eventually(
      async () => {
        done.ps = (await reconciles("pushsecret")) - start.ps;
        done.cps = (await reconciles("clusterpushsecret")) - start.cps;
        done.ces = (await reconciles("clusterexternalsecret")) - start.ces;
        return done.ps >= 3 && done.cps >= 3 && done.ces >= 3;
      },
      { timeoutMs: 30_000, what: "three refreshes of each" },
    );
    const counts = h.api.requestCounts();
    const n = (key: string) => counts[key] ?? 0;
    const summary = JSON.stringify({ reconciles: done, requests: counts });
    t.diagnostic(summary);

    // The periodic pushes really ran: each wrote its status.
    assert.ok(n("update pushsecrets/status") >= 3, summary);
    for (const key of [
      "get pushsecrets",
      "get clusterpushsecrets",
      "get clusterexternalsecrets",
      "get externalsecrets",
      "get secretstores",
      "get clustersecretstores",
      "list namespaces",
      "list pushsecrets",
      "list secretstores",
      "list clustersecretstores",
      "list generatorstates",
    ]) {
      assert.equal(n(key), 0, `${key}: ${summary}`);
    }
  });

  it("a GeneratorState's reconciles read it from the cache and write its status once", async () => {
    h.api.resetCounts();
    const start = await reconciles("generatorstate");
    const deadline = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    await h.client.create(GENERATOR_STATES, {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "GeneratorState",
      metadata: { name: "kept", namespace: "reads-a", finalizers: [GENERATOR_STATE_FINALIZER] },
      spec: {
        garbageCollectionDeadline: deadline,
        resource: {
          apiVersion: "generators.external-secrets.io/v1alpha1",
          kind: "Password",
          metadata: { name: "pw", namespace: "reads-a" },
          spec: { length: 12 },
        },
        state: { note: "kept" },
      },
    });
    // The first reconcile writes the Ready condition; the one that write triggers finds nothing to do.
    await eventually(
      async () =>
        (await reconciles("generatorstate")) - start >= 2 &&
        (h.api.requestCounts()["update generatorstates/status"] ?? 0) >= 1,
      { timeoutMs: 15_000, what: "two GeneratorState reconciles" },
    );
    const counts = h.api.requestCounts();
    assert.equal(counts["get generatorstates"] ?? 0, 0, JSON.stringify(counts));
    assert.equal(counts["update generatorstates/status"], 1, JSON.stringify(counts));
    const gs = await h.client.get(GENERATOR_STATES, "reads-a", "kept");
    assert.equal(gs.status.conditions[0].message, "GeneratorState flagged for garbage collection");
    assert.deepEqual(gs.spec.state, { note: "kept" }, "a status write keeps the recorded state");
    assert.equal(gs.spec.garbageCollectionDeadline, deadline);
  });
});
