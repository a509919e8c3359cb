/** Without --enable-workload-rollouts the operator never lists, watches or patches a workload. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEPLOYMENTS } from "../../src/controllers/rollouts/workloads.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  SECRET_STORES,
  secretData,
  useHarness,
  waitForSecretData,
} from "../support/world.js";

const h = useHarness();

describe("workload rollouts off (default)", () => {
  it("has no workload informers and patches nothing when an opted-in workload's Secret changes", async () => {
    const ns = "off";
    await createNamespace(h, ns);
    await createReadyStore(h, fakeStore("fake", ns, [{ key: "/db", value: "one" }]));
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("db", ns, {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        target: { name: "db-creds" },
        data: [{ secretKey: "v", remoteRef: { key: "/db" } }],
      }),
    );
    await waitForSecretData(h, ns, "db-creds");
    await h.client.create(DEPLOYMENTS, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: ns, annotations: { "reloader.stakater.com/auto": "true" } },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "app", image: "app:1", envFrom: [{ secretRef: { name: "db-creds" } }] }] },
        },
      },
    });
    const store = await h.client.get(SECRET_STORES, ns, "fake");
    store.spec.provider.fake.data[0].value = "two";
    await h.client.update(SECRET_STORES, store);
    await eventually(async () => (await secretData(h, ns, "db-creds")).v === "two", { what: "rotation" });
    await new Promise((r) => setTimeout(r, 500));

    const web = await h.client.get(DEPLOYMENTS, ns, "web");
    assert.equal(web.spec.template.metadata.annotations?.["reloader.stakater.com/last-reloaded-from"], undefined);
    const workloadRequests = Object.keys(h.api.requestCounts()).filter((k) =>
      /^(list|watch|get|patch|update) (deployments|statefulsets|daemonsets)$/.test(k),
    );
    // The test's own create and get go through too: only the operator's list/watch/patch would show up here.
    assert.deepEqual(
      workloadRequests.filter((k) => !k.startsWith("get ")),
      [],
    );
    const metric = await h.registry.getSingleMetric("externalsecret_workload_rollouts_total");
    assert.equal(metric, undefined, "no rollout metric without the feature");
  });
});
