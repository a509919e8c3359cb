/**
 * Broken connections between the controller and the real API server: the controller talks to kube-apiserver
 * through a relay whose connections the test cuts (watches included), right after making a change, as a dropped
 * network path or a load balancer would. The informers must resume from their last resourceVersion (or relist)
 * without missing what happened while they were away.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  applyChartRbac,
  type Cluster,
  CONTROLLER_SA,
  chartControllerArgs,
  OPERATOR_NAMESPACE,
  serviceAccountKubeconfig,
  startCluster,
} from "./support/cluster.js";
import { type ConnectionCutter, startConnectionCutter } from "./support/cutter.js";
import { type EsoProcess, startController } from "./support/eso.js";
import { clusterPoll, type Kube, sleep } from "./support/kube.js";
import { externalSecret, fakeStore } from "./support/operator.js";

const NS = "watch";

let cluster: Cluster;
let kube: Kube;
let cutter: ConnectionCutter;
let controller: EsoProcess;

before(async () => {
  cluster = await startCluster();
  kube = cluster.admin;
  await applyChartRbac(cluster);
  cutter = await startConnectionCutter(cluster.cp.url);
  const kc = await serviceAccountKubeconfig(cluster, OPERATOR_NAMESPACE, CONTROLLER_SA, cutter.url);
  controller = await startController(cluster, "controller-0", kc, await chartControllerArgs(cluster.helm));
  await kube.createNamespace(NS);
  await kube.apply(fakeStore("fake", NS, [{ key: "k", value: "v1" }]));
  await kube.waitReady("secretstores", NS, "fake");
});

after(async () => {
  await cluster?.cleanup();
  await controller?.stop(5_000).catch(() => {});
  await cutter?.close();
  await cluster?.stop();
});

const spec = {
  refreshInterval: "1h",
  secretStoreRef: { name: "fake" },
  data: [{ secretKey: "k", remoteRef: { key: "k" } }],
};

describe("informers across cut connections", () => {
  it("changes made just before every connection is cut are still seen", async () => {
    await kube.apply(externalSecret("es", NS, spec));
    await eventually(async () => (await kube.secretData(NS, "es"))?.k === "v1", { ...clusterPoll, what: "first sync" });
    // Real time (real cluster): lets the watches re-establish before the next change and cut.
    await sleep(1_000);

    await kube.patch("secretstores", NS, "fake", {
      spec: { provider: { fake: { data: [{ key: "k", value: "v2" }] } } },
    });
    assert.ok(cutter.cutAll() > 0, "the controller had open connections (its watches)");
    await eventually(async () => (await kube.secretData(NS, "es"))?.k === "v2", {
      ...clusterPoll,
      what: "store change seen",
      timeoutMs: 45_000,
    });

    // Real time (real cluster): lets the watches re-establish before the next change and cut.
    await sleep(1_000);
    await kube.patch("secrets", NS, "es", { data: { k: Buffer.from("tampered").toString("base64") } });
    cutter.cutAll();
    await eventually(async () => (await kube.secretData(NS, "es"))?.k === "v2", {
      ...clusterPoll,
      what: "drift restored",
      timeoutMs: 45_000,
    });

    // Real time (real cluster): lets the watches re-establish before the next change and cut.
    await sleep(1_000);
    await kube.apply(externalSecret("late", NS, spec));
    cutter.cutAll();
    await eventually(async () => (await kube.secretData(NS, "late"))?.k === "v2", {
      ...clusterPoll,
      what: "new ExternalSecret synced",
      timeoutMs: 45_000,
    });

    // Real time (real cluster): lets the watches re-establish before the next change and cut.
    await sleep(1_000);
    await kube.delete("externalsecrets", NS, "late");
    cutter.cutAll();
    await kube.apply(externalSecret("late", NS, { ...spec, target: { name: "late-renamed" } }));
    await eventually(async () => (await kube.secretData(NS, "late-renamed"))?.k === "v2", {
      ...clusterPoll,
      what: "re-created ExternalSecret synced",
      timeoutMs: 45_000,
    });
    assert.ok(controller.proc.running);
  });
});
