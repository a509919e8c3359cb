/**
 * Workload rollouts against real kube-apiserver + etcd, with the chart's RBAC for `rollouts.enabled=true` (get,
 * list, watch, patch on Deployments, StatefulSets, DaemonSets) and the chart's flags: a workload with Reloader's
 * annotations rolls once when its Secret's data changes; not on a no-change refresh, not for an unrelated
 * Secret, never across namespaces; named and search/match modes; the per-workload rate limit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import { clusterPoll, type Obj, sleep } from "./support/kube.js";
import { externalSecret, fakeStore, useOperator } from "./support/operator.js";

const INTERVAL_S = 4;
const LAST = "reloader.stakater.com/last-reloaded-from";

const op = useOperator({ chartValues: ["rollouts.enabled=true", `rollouts.interval=${INTERVAL_S}s`] });

function workload(
  kind: string,
  namespace: string,
  name: string,
  annotations: Record<string, string>,
  secrets: string[],
) {
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name, namespace, annotations },
    spec: {
      ...(kind === "StatefulSet" ? { serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: "app",
              image: "registry.k8s.io/pause:3.9",
              env: secrets.map((s, i) => ({ name: `S${i}`, valueFrom: { secretKeyRef: { name: s, key: "v" } } })),
            },
          ],
        },
      },
    },
  };
}

async function setUp(namespace: string, data: Record<string, string>): Promise<void> {
  const { kube } = op;
  await kube.createNamespace(namespace);
  await kube.apply(
    fakeStore(
      "fake",
      namespace,
      Object.entries(data).map(([key, value]) => ({ key, value })),
    ),
  );
  await kube.waitReady("secretstores", namespace, "fake");
}

async function es(namespace: string, name: string, key: string, meta: Obj = {}, template?: Obj): Promise<void> {
  await op.kube.apply(
    externalSecret(
      name,
      namespace,
      {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        target: { name, ...(template ? { template } : {}) },
        data: [{ secretKey: "v", remoteRef: { key } }],
      },
      meta,
    ),
  );
  await eventually(async () => (await op.kube.secretData(namespace, name))?.v, { ...clusterPoll, what: `${name}` });
}

async function setRemote(namespace: string, key: string, value: string): Promise<void> {
  const store = (await op.kube.get("secretstores", namespace, "fake")) as any;
  store.spec.provider.fake.data.find((d: { key: string }) => d.key === key).value = value;
  delete store.metadata.managedFields;
  await op.kube.apply(store);
}

async function last(resource: string, namespace: string, name: string) {
  const w = (await op.kube.get(resource, namespace, name)) as any;
  const v = w?.spec?.template?.metadata?.annotations?.[LAST];
  return v ? (JSON.parse(v) as { name: string; hash: string; reloadedAt: string }) : undefined;
}

async function dataHash(namespace: string, name: string): Promise<string> {
  const s = (await op.kube.get("secrets", namespace, name)) as any;
  return s.metadata.annotations["reconcile.external-secrets.io/data-hash"];
}

async function forceSync(namespace: string, name: string): Promise<void> {
  const before = ((await op.kube.get("externalsecrets", namespace, name)) as any).status?.refreshTime;
  await sleep(1_100); // refreshTime has second precision
  await op.kube.patch("externalsecrets", namespace, name, {
    metadata: { annotations: { "force-sync": `${Date.now()}` } },
  });
  await eventually(
    async () => ((await op.kube.get("externalsecrets", namespace, name)) as any).status?.refreshTime !== before,
    { ...clusterPoll, what: `${name} refreshed` },
  );
  await sleep(1_000);
}

describe("workload rollouts against the real API server", () => {
  it("auto: rolls a Deployment, StatefulSet and DaemonSet once per data change; not on a no-change refresh or an unrelated change", async () => {
    const ns = "ro-auto";
    await setUp(ns, { db: "1", other: "1" });
    await es(ns, "db", "db");
    await es(ns, "other", "other");
    const auto = { "reloader.stakater.com/auto": "true" };
    await op.kube.apply([
      workload("Deployment", ns, "web", auto, ["db"]),
      workload("StatefulSet", ns, "store", auto, ["db"]),
      workload("DaemonSet", ns, "agent", auto, ["db"]),
      workload("Deployment", ns, "plain", {}, ["db"]),
      workload("Deployment", ns, "side", auto, ["other"]),
    ]);
    await sleep(2_000);

    await forceSync(ns, "db");
    assert.equal(await last("deployments", ns, "web"), undefined, "no-change refresh");

    await setRemote(ns, "other", "2");
    await eventually(async () => (await last("deployments", ns, "side"))?.name === "other", clusterPoll);
    await sleep(1_000);
    assert.equal(await last("deployments", ns, "web"), undefined, "unrelated Secret");

    await setRemote(ns, "db", "2");
    await eventually(async () => (await op.kube.secretData(ns, "db"))?.v === "2", clusterPoll);
    const hash = await dataHash(ns, "db");
    for (const [resource, name] of [
      ["deployments", "web"],
      ["statefulsets", "store"],
      ["daemonsets", "agent"],
    ] as const) {
      const l = await eventually(() => last(resource, ns, name), {
        ...clusterPoll,
        what: `${resource}/${name} rolled`,
      });
      assert.equal(l.hash, hash);
    }
    assert.equal(await last("deployments", ns, "plain"), undefined);
    const events = await op.kube.list("events", ns);
    assert.ok(events.some((e: any) => e.reason === "Rolled" && e.involvedObject?.name === "web"));
    assert.ok(events.some((e: any) => e.reason === "WorkloadRolled" && e.involvedObject?.kind === "ExternalSecret"));

    const first = await last("deployments", ns, "web");
    await forceSync(ns, "db");
    assert.deepEqual(await last("deployments", ns, "web"), first, "a second no-change refresh rolls nothing");
  });

  it("named (anchored expressions) and search/match", async () => {
    const ns = "ro-modes";
    await setUp(ns, { api: "1", plain: "1" });
    await es(
      ns,
      "api-key",
      "api",
      {},
      { mergePolicy: "Merge", metadata: { annotations: { "reloader.stakater.com/match": "true" } } },
    );
    await es(ns, "plain-key", "plain");
    await op.kube.apply([
      workload("Deployment", ns, "named", { "secret.reloader.stakater.com/reload": "api-.*" }, []),
      workload("Deployment", ns, "searcher", { "reloader.stakater.com/search": "true" }, ["api-key", "plain-key"]),
    ]);
    await sleep(2_000);
    await setRemote(ns, "plain", "2");
    await eventually(async () => (await op.kube.secretData(ns, "plain-key"))?.v === "2", clusterPoll);
    await sleep(2_000);
    assert.equal(await last("deployments", ns, "named"), undefined);
    assert.equal(await last("deployments", ns, "searcher"), undefined);
    await setRemote(ns, "api", "2");
    assert.equal((await eventually(() => last("deployments", ns, "named"), clusterPoll)).name, "api-key");
    assert.equal((await eventually(() => last("deployments", ns, "searcher"), clusterPoll)).name, "api-key");
  });

  it("rate limit: changes inside the interval roll the workload once more, when it ends", async () => {
    const ns = "ro-rate";
    await setUp(ns, { k: "0" });
    await es(ns, "fast", "k");
    await op.kube.apply(workload("Deployment", ns, "app", { "reloader.stakater.com/auto": "true" }, ["fast"]));
    await sleep(2_000);
    await setRemote(ns, "k", "1");
    const first = await eventually(() => last("deployments", ns, "app"), clusterPoll);
    await setRemote(ns, "k", "2");
    await eventually(async () => (await op.kube.secretData(ns, "fast"))?.v === "2", clusterPoll);
    const hash = await dataHash(ns, "fast");
    const second = await eventually(async () => {
      const l = await last("deployments", ns, "app");
      return l?.hash === hash && l;
    }, clusterPoll);
    const gap = Date.parse(second.reloadedAt) - Date.parse(first.reloadedAt);
    assert.ok(gap >= INTERVAL_S * 1000 - 100, `second rollout after ${gap} ms`);
  });

  it("never rolls a workload in another namespace", async () => {
    await setUp("ro-a", { s: "1" });
    await op.kube.createNamespace("ro-b");
    await es("ro-a", "shared", "s", {
      annotations: { "external-secrets.io/rollout-workloads": "Deployment/local, ro-b/Deployment/victim" },
    });
    await op.kube.apply([
      { apiVersion: "v1", kind: "Secret", metadata: { name: "shared", namespace: "ro-b" }, stringData: { v: "x" } },
      workload("Deployment", "ro-b", "victim", { "reloader.stakater.com/auto": "true" }, ["shared"]),
      workload("Deployment", "ro-a", "local", {}, ["shared"]),
    ]);
    await sleep(2_000);
    await setRemote("ro-a", "s", "2");
    await eventually(() => last("deployments", "ro-a", "local"), clusterPoll);
    await sleep(2_000);
    assert.equal(await last("deployments", "ro-b", "victim"), undefined);
    const events = await op.kube.list("events", "ro-a");
    assert.ok(events.some((e: any) => e.reason === "RolloutRefused" && /another namespace/.test(e.message)));
  });
});
