/**
 * Owner references as the real garbage collector (kube-controller-manager's, started here with only the
 * garbage collector and namespace controllers) acts on them: what the controller marks as owned disappears with
 * its owner, what it orphans stays, and a namespace full of our objects can be deleted.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { startControllerManager } from "./support/controller-manager.js";
import { clusterPoll, sleep } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const NS = "gc";

const op = useOperator({
  setup: async (op) => {
    const kcm = await startControllerManager(op.cluster);
    op.alsoStop.push(() => kcm.stop(5_000));
    await op.kube.createNamespace(NS);
    await op.kube.apply(fakeStore("fake", NS, [{ key: "a", value: "A" }]));
    await op.kube.waitReady("secretstores", NS, "fake");
  },
});

const spec = (creationPolicy = "Owner") => ({
  refreshInterval: "1h",
  secretStoreRef: { name: "fake" },
  target: { creationPolicy },
  data: [{ secretKey: "a", remoteRef: { key: "a" } }],
});

describe("garbage collection by kube-controller-manager", () => {
  it("deleting an ExternalSecret collects its owned Secret and keeps an orphaned one", async () => {
    const { kube } = op;
    await kube.apply([externalSecret("owned", NS, spec()), externalSecret("orphaned", NS, spec("Orphan"))]);
    await eventually(async () => (await kube.secretData(NS, "owned"))?.a === "A", {
      ...clusterPoll,
      what: "owned Secret",
    });
    await eventually(async () => (await kube.secretData(NS, "orphaned"))?.a === "A", {
      ...clusterPoll,
      what: "orphaned Secret",
    });
    await kube.kubectl(["delete", "externalsecret", "owned", "orphaned", "-n", NS]);
    await eventually(async () => (await kube.get("secrets", NS, "owned")) === undefined, {
      ...clusterPoll,
      what: "owned Secret collected",
      timeoutMs: 60_000,
    });
    // Real time (real cluster): gives kube-controller-manager's GC a chance to wrongly collect it.
    await sleep(2_000);
    assert.deepEqual(await kube.secretData(NS, "orphaned"), { a: "A" });
  });

  it("foreground deletion of an ExternalSecret waits for its Secret (blockOwnerDeletion)", async () => {
    const { kube } = op;
    await kube.apply(externalSecret("fg", NS, spec()));
    await eventually(async () => (await kube.secretData(NS, "fg"))?.a === "A", { ...clusterPoll, what: "fg Secret" });
    await kube.kubectl(["delete", "externalsecret", "fg", "-n", NS, "--cascade=foreground", "--timeout=60s"]);
    assert.equal(await kube.get("secrets", NS, "fg"), undefined);
    assert.equal(await kube.get("externalsecrets", NS, "fg"), undefined);
  });

  it("deleting a ClusterExternalSecret collects its ExternalSecrets and, through them, their Secrets", async () => {
    const { kube } = op;
    await kube.apply(fakeStore("cluster-fake", undefined, [{ key: "k", value: "v" }]));
    await kube.waitReady("clustersecretstores", undefined, "cluster-fake");
    await kube.createNamespace("fan-1", { fan: "yes" });
    await kube.createNamespace("fan-2", { fan: "yes" });
    await kube.apply({
      apiVersion: "external-secrets.io/v1",
      kind: "ClusterExternalSecret",
      metadata: { name: "fan" },
      spec: {
        namespaceSelectors: [{ matchLabels: { fan: "yes" } }],
        externalSecretSpec: {
          refreshInterval: "1h",
          secretStoreRef: { name: "cluster-fake", kind: "ClusterSecretStore" },
          target: { name: "fanned" },
          data: [{ secretKey: "k", remoteRef: { key: "k" } }],
        },
      },
    });
    for (const ns of ["fan-1", "fan-2"]) {
      await eventually(async () => (await kube.secretData(ns, "fanned"))?.k === "v", {
        ...clusterPoll,
        what: `${ns} Secret`,
      });
    }
    await kube.delete("clusterexternalsecrets", undefined, "fan");
    for (const ns of ["fan-1", "fan-2"]) {
      await eventually(async () => (await kube.get("externalsecrets", ns, "fan")) === undefined, {
        ...clusterPoll,
        what: `${ns} ExternalSecret collected`,
        timeoutMs: 60_000,
      });
      await eventually(async () => (await kube.get("secrets", ns, "fanned")) === undefined, {
        ...clusterPoll,
        what: `${ns} Secret collected`,
        timeoutMs: 60_000,
      });
    }
  });

  it("a namespace holding a store, ExternalSecrets and their Secrets is deleted completely", async () => {
    const { kube } = op;
    await kube.createNamespace("doomed");
    await kube.apply(fakeStore("fake", "doomed", [{ key: "a", value: "A" }]));
    await kube.apply([externalSecret("one", "doomed", spec()), externalSecret("two", "doomed", spec("Orphan"))]);
    await eventually(async () => (await kube.secretData("doomed", "two"))?.a === "A", {
      ...clusterPoll,
      what: "doomed Secret",
    });
    await kube.kubectl(["delete", "namespace", "doomed", "--timeout=90s"]);
    assert.equal(await kube.get("namespaces", undefined, "doomed"), undefined);
  });
});
