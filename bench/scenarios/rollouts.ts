/**
 * rollouts-10k: what --enable-workload-rollouts costs with 10,000 Deployments in the cluster. The same cluster
 * (10,000 Deployments of realistic size, every one opted in with Reloader's auto annotation and reading one of
 * 100 synced Secrets) is run by the controller twice, feature off then on; each run is measured once all
 * ExternalSecrets are Ready and the caches settled. The on run then changes one Secret's data and times until
 * every Deployment reading it has rolled.
 */

import { DEPLOYMENTS } from "../../src/controllers/rollouts/workloads.js";
import { EXTERNAL_SECRETS, SECRET_STORES } from "../../src/kube/index.js";
import { ControllerChild } from "../child.js";
import { type Cluster, createAll, createNamespaces, EsTracker, requestSummary, startCluster } from "../cluster.js";
import { CHILD_NODE_OPTIONS, type ScenarioResult } from "./common.js";

export interface RolloutSetup {
  deployments: number;
  externalSecrets: number;
  namespaces: number;
  childExecArgv?: string[];
}

const LAST = "reloader.stakater.com/last-reloaded-from";
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ns = (i: number) => `team-${i}`;

/** A Deployment as GitOps tools leave it: two containers, env and volumes, and kubectl's last-applied copy. */
function deployment(i: number, s: RolloutSetup) {
  const secret = `es-${i % s.externalSecrets}`;
  const body = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: `app-${i}`,
      namespace: ns((i % s.externalSecrets) % s.namespaces),
      labels: { app: `app-${i}`, team: "bench", "app.kubernetes.io/part-of": "bench" },
      annotations: { "reloader.stakater.com/auto": "true" } as Record<string, string>,
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: `app-${i}` } },
      template: {
        metadata: { labels: { app: `app-${i}` }, annotations: { "prometheus.io/scrape": "true" } },
        spec: {
          containers: ["main", "sidecar"].map((c) => ({
            name: c,
            image: `registry.example.com/team/${c}:1.2.3`,
            args: ["--config=/etc/app/config.yaml", "--log-level=info", "--port=8080"],
            env: [
              { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } },
              { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              { name: "LOG_FORMAT", value: "json" },
            ],
            ports: [{ containerPort: 8080, name: "http" }],
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            volumeMounts: [{ name: "config", mountPath: "/etc/app" }],
            readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 10 },
          })),
          volumes: [{ name: "config", configMap: { name: `app-${i}-config` } }],
        },
      },
    },
  };
  body.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] = JSON.stringify(body);
  return body;
}

interface Measured {
  rssMiB: number;
  peakRssMiB: number;
  heapMiB: number;
  readySeconds: number;
  cpuSeconds: number;
}

async function runOnce(
  c: Cluster,
  s: RolloutSetup,
  on: boolean,
  log: (m: string) => void,
): Promise<{ m: Measured; child: ControllerChild; tracker: EsTracker }> {
  const tracker = new EsTracker(c.api.url);
  await tracker.open();
  c.api.resetCounts();
  log(`  controller with workload rollouts ${on ? "on" : "off"}`);
  const child = await ControllerChild.start(
    { apiUrl: c.api.url, concurrency: 4, clientQps: 0, clientBurst: 1000, enableWorkloadRollouts: on },
    {},
    [...CHILD_NODE_OPTIONS, ...(s.childExecArgv ?? [])],
  );
  const t0 = tracker.now();
  await tracker.until(
    () => tracker.readyAt.size >= s.externalSecrets,
    300_000,
    "ExternalSecrets Ready",
    () => child.exitCode === null,
  );
  const readySeconds = (tracker.now() - t0) / 1000;
  if (on) {
    await tracker.until(
      () => (c.api.requestCounts()["watch deployments"] ?? 0) > 0,
      300_000,
      "the Deployment informer listed",
      () => child.exitCode === null,
    );
  }
  await sleep(3_000);
  const st = await child.stats();
  return {
    child,
    tracker,
    m: {
      rssMiB: st.rssBytes / MiB,
      peakRssMiB: st.peakRssBytes / MiB,
      heapMiB: st.heapUsedBytes / MiB,
      readySeconds,
      cpuSeconds: st.cpuSeconds,
    },
  };
}

/** How many of `names` have rolled (one list request, so polling does not load the API server). */
async function rolled(c: Cluster, namespace: string, names: string[]): Promise<number> {
  const wanted = new Set(names);
  const all = await c.client.list(DEPLOYMENTS, namespace);
  return all.filter((d: any) => wanted.has(d.metadata.name) && d.spec?.template?.metadata?.annotations?.[LAST]).length;
}

export async function rolloutsScenario(s: RolloutSetup, log: (m: string) => void): Promise<ScenarioResult> {
  const c = await startCluster();
  try {
    const namespaces = Array.from({ length: s.namespaces }, (_, i) => ns(i));
    await createNamespaces(c, namespaces);
    for (const n of namespaces) {
      await c.client.create(SECRET_STORES, {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "store", namespace: n },
        spec: { provider: { fake: { data: [{ key: "pw", value: "v1" }] } } },
      });
    }
    log(`  creating ${s.externalSecrets} ExternalSecrets and ${s.deployments} Deployments`);
    await createAll(c, EXTERNAL_SECRETS, s.externalSecrets, (i) => ({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: `es-${i}`, namespace: ns(i % s.namespaces) },
      spec: {
        refreshInterval: "1h",
        secretStoreRef: { name: "store", kind: "SecretStore" },
        target: { name: `es-${i}` },
        data: [{ secretKey: "password", remoteRef: { key: "pw" } }],
      },
    }));
    await createAll(c, DEPLOYMENTS, s.deployments, (i) => deployment(i, s));
    const sample = JSON.stringify(deployment(0, s)).length;

    const off = await runOnce(c, s, false, log);
    await off.child.stop();
    off.tracker.close();
    const on = await runOnce(c, s, true, log);

    // One remote change: every ExternalSecret of namespace team-0 writes new data; their Deployments roll.
    const users = Array.from({ length: s.deployments }, (_, i) => i).filter(
      (i) => (i % s.externalSecrets) % s.namespaces === 0,
    );
    const store = await c.client.get(SECRET_STORES, ns(0), "store");
    store.spec.provider.fake.data[0].value = "v2";
    const t = Date.now();
    await c.client.update(SECRET_STORES, store);
    const names = users.map((i) => `app-${i}`);
    while ((await rolled(c, ns(0), names)) < names.length) {
      if (Date.now() - t > 120_000) throw new Error("bench: rollouts did not all happen within 2 minutes");
      await sleep(250);
    }
    const rolloutSeconds = (Date.now() - t) / 1000;
    const afterStats = await on.child.stats();
    const requests = requestSummary(c.api.requestCounts());
    await on.child.stop();
    on.tracker.close();

    const f = (n: number) => n.toFixed(1);
    const notes = [
      `${s.deployments} Deployments of ${(sample / 1024).toFixed(1)} KiB each (${f((sample * s.deployments) / MiB)} MiB as JSON), all opted in with reloader.stakater.com/auto`,
      `feature off: RSS ${f(off.m.rssMiB)} MiB, heap used ${f(off.m.heapMiB)} MiB, peak RSS ${f(off.m.peakRssMiB)} MiB`,
      `feature on:  RSS ${f(on.m.rssMiB)} MiB, heap used ${f(on.m.heapMiB)} MiB, peak RSS ${f(on.m.peakRssMiB)} MiB`,
      `cost of the feature: heap +${f(on.m.heapMiB - off.m.heapMiB)} MiB, RSS +${f(on.m.rssMiB - off.m.rssMiB)} MiB`,
      `one remote change: ${names.length} Deployments rolled in ${rolloutSeconds.toFixed(2)} s (heap then ${f(afterStats.heapUsedBytes / MiB)} MiB)`,
    ];
    for (const n of notes) log(`  ${n}`);
    return {
      scenario: `rollouts-${s.deployments}`,
      provider: "fake",
      externalSecrets: s.externalSecrets,
      keysEach: 1,
      distinctRemoteSecrets: s.namespaces,
      concurrency: 4,
      clientQps: 0,
      nodeOptions: [...CHILD_NODE_OPTIONS, ...(s.childExecArgv ?? [])].join(" "),
      readySeconds: on.m.readySeconds,
      syncsPerSecond: s.externalSecrets / Math.max(0.001, on.m.readySeconds),
      apiRequests: requests,
      providerCalls: 0,
      peakRssMiB: on.m.peakRssMiB,
      cpuSeconds: on.m.cpuSeconds,
      notes,
    };
  } finally {
    await c.stop();
  }
}
