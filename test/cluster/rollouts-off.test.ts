/**
 * Workload rollouts off (the chart's default) against real kube-apiserver + etcd: an opted-in Deployment is not
 * rolled when its Secret's data changes (the chart then grants no access to workloads: test/chart/rollouts.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { clusterPoll, sleep } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const NS = "ro-off";
const op = useOperator();

describe("workload rollouts off by default (real API server)", () => {
  it("no rollout when an opted-in Deployment's Secret changes", async () => {
    const { kube } = op;
    await kube.createNamespace(NS);
    await kube.apply(fakeStore("fake", NS, [{ key: "k", value: "1" }]));
    await kube.waitReady("secretstores", NS, "fake");
    await kube.apply(
      externalSecret("db", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        target: { name: "db" },
        data: [{ secretKey: "v", remoteRef: { key: "k" } }],
      }),
    );
    await eventually(async () => (await kube.secretData(NS, "db"))?.v === "1", clusterPoll);
    await kube.apply({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: NS, annotations: { "reloader.stakater.com/auto": "true" } },
      spec: {
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [{ name: "app", image: "registry.k8s.io/pause:3.9", envFrom: [{ secretRef: { name: "db" } }] }],
          },
        },
      },
    });
    const store = (await kube.get("secretstores", NS, "fake")) as any;
    store.spec.provider.fake.data[0].value = "2";
    delete store.metadata.managedFields;
    await kube.apply(store);
    await eventually(async () => (await kube.secretData(NS, "db"))?.v === "2", clusterPoll);
    await sleep(3_000);
    const web = (await kube.get("deployments", NS, "web")) as any;
    assert.equal(web.spec.template.metadata.annotations?.["reloader.stakater.com/last-reloaded-from"], undefined);
    const events = await kube.list("events", NS);
    assert.ok(!events.some((e: any) => e.reason === "Rolled"));
  });
});
