/**
 * Workload rollouts end to end through the in-process API server: a workload that opts in (Reloader's
 * annotations, or the ExternalSecret's own list) is rolled once after the sync changed its Secret's data, and
 * never for a refresh that changed nothing, an unrelated Secret, or a Secret of another namespace.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DAEMON_SETS, DEPLOYMENTS, STATEFUL_SETS } from "../../src/controllers/rollouts/workloads.js";
import { EVENTS, type ResourceDescriptor } from "../../src/kube/index.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  fakeStore,
  forceSync,
  type Harness,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  useHarness,
  waitForSecretData,
} from "../support/world.js";

const INTERVAL_MS = 2_000;
const LAST = "reloader.stakater.com/last-reloaded-from";

const h = useHarness({ enableWorkloadRollouts: true, workloadRolloutIntervalMs: INTERVAL_MS });

interface WorkloadOpts {
  annotations?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  /** Secrets read through env (secretKeyRef). */
  env?: string[];
  /** Secrets mounted as volumes. */
  volumes?: string[];
}

function workload(rt: ResourceDescriptor, namespace: string, name: string, o: WorkloadOpts = {}) {
  return {
    apiVersion: "apps/v1",
    kind: rt.kind,
    metadata: { name, namespace, annotations: o.annotations },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: o.podAnnotations },
        spec: {
          containers: [
            {
              name: "app",
              image: "app:1",
              env: (o.env ?? []).map((s) => ({
                name: s.toUpperCase(),
                valueFrom: { secretKeyRef: { name: s, key: "v" } },
              })),
            },
          ],
          volumes: (o.volumes ?? []).map((s) => ({ name: s, secret: { secretName: s } })),
        },
      },
    },
  };
}

async function setUpNamespace(namespace: string, data: Record<string, string>): Promise<void> {
  await createNamespace(h, namespace);
  await createReadyStore(
    h,
    fakeStore(
      "fake",
      namespace,
      Object.entries(data).map(([key, value]) => ({ key, value })),
    ),
  );
}

/** An ExternalSecret writing key "v" of Secret `target` from remote key `key`. */
async function createES(
  namespace: string,
  name: string,
  target: string,
  key: string,
  extra: { annotations?: Record<string, string>; secretAnnotations?: Record<string, string> } = {},
): Promise<void> {
  const template = extra.secretAnnotations
    ? { mergePolicy: "Merge", metadata: { annotations: extra.secretAnnotations } }
    : undefined;
  await h.client.create(
    EXTERNAL_SECRETS,
    externalSecret(
      name,
      namespace,
      {
        refreshInterval: "1h",
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        target: { name: target, ...(template ? { template } : {}) },
        data: [{ secretKey: "v", remoteRef: { key } }],
      },
      extra.annotations ? { annotations: extra.annotations } : {},
    ),
  );
}

/** Changes a remote value; the store change makes its ExternalSecrets sync now. */
async function setRemote(namespace: string, key: string, value: string): Promise<void> {
  const store = await h.client.get(SECRET_STORES, namespace, "fake");
  const entry = store.spec.provider.fake.data.find((d: { key: string }) => d.key === key);
  entry.value = value;
  await h.client.update(SECRET_STORES, store);
}

async function secretValue(namespace: string, name: string): Promise<string | undefined> {
  return (await waitForSecretData(h, namespace, name)).v;
}

async function dataHash(namespace: string, name: string): Promise<string> {
  const s = await h.client.get(SECRETS, namespace, name);
  return s.metadata.annotations["reconcile.external-secrets.io/data-hash"];
}

/** The pod template's rollout annotation, parsed (undefined when the workload never rolled). */
async function lastRollout(rt: ResourceDescriptor, namespace: string, name: string) {
  const w = await h.client.get(rt, namespace, name);
  const v = w.spec.template.metadata?.annotations?.[LAST];
  return v ? (JSON.parse(v) as { name: string; hash: string; namespace: string; reloadedAt: string }) : undefined;
}

async function rolled(harness: Harness, kind: string, namespace: string, name: string, result = "rolled") {
  const metric = await harness.registry.getSingleMetric("externalsecret_workload_rollouts_total")?.get();
  const hit = metric?.values.find(
    (v) =>
      v.labels.kind === kind &&
      v.labels.namespace === namespace &&
      v.labels.name === name &&
      v.labels.result === result,
  );
  return hit?.value ?? 0;
}

async function events(namespace: string, name: string, reason: string): Promise<string[]> {
  const list = await h.client.list(EVENTS, namespace);
  return list
    .filter((e: any) => e.involvedObject?.name === name && e.reason === reason)
    .map((e: any) => String(e.message));
}

const settle = () => new Promise((r) => setTimeout(r, 400));

/** Forces a sync of an ExternalSecret whose remote data did not change, and waits until it ran. */
async function refreshWithoutChange(namespace: string, name: string): Promise<void> {
  const before = (await h.client.get(EXTERNAL_SECRETS, namespace, name)).status?.syncedResourceVersion;
  await forceSync(h, namespace, name);
  await eventually(
    async () => {
      const v = (await h.client.get(EXTERNAL_SECRETS, namespace, name)).status?.syncedResourceVersion;
      return v && v !== before;
    },
    { what: `${name} refreshed` },
  );
  await settle();
}

describe("workload rollouts (Reloader-compatible)", () => {
  it("auto: rolls every kind that references the Secret once its data changes, not on a no-change refresh, not for an unrelated Secret", async () => {
    const ns = "auto";
    await setUpNamespace(ns, { "/db": "db-1", "/other": "other-1" });
    await createES(ns, "db", "db-creds", "/db");
    await createES(ns, "other", "other-creds", "/other");
    assert.equal(await secretValue(ns, "db-creds"), "db-1");
    assert.equal(await secretValue(ns, "other-creds"), "other-1");
    const auto = { "reloader.stakater.com/auto": "true" };
    await h.client.create(DEPLOYMENTS, workload(DEPLOYMENTS, ns, "web", { annotations: auto, env: ["db-creds"] }));
    await h.client.create(
      STATEFUL_SETS,
      workload(STATEFUL_SETS, ns, "db", { annotations: auto, volumes: ["db-creds"] }),
    );
    // Reloader reads the pod template's annotations when the workload has none of its own.
    await h.client.create(DAEMON_SETS, workload(DAEMON_SETS, ns, "agent", { podAnnotations: auto, env: ["db-creds"] }));
    await h.client.create(DEPLOYMENTS, workload(DEPLOYMENTS, ns, "plain", { env: ["db-creds"] }));
    await h.client.create(DEPLOYMENTS, workload(DEPLOYMENTS, ns, "side", { annotations: auto, env: ["other-creds"] }));

    // A refresh that changes nothing rolls nothing.
    await refreshWithoutChange(ns, "db");
    assert.equal(await lastRollout(DEPLOYMENTS, ns, "web"), undefined);

    // An unrelated Secret's change rolls only its own user.
    await setRemote(ns, "/other", "other-2");
    await eventually(async () => (await lastRollout(DEPLOYMENTS, ns, "side"))?.name === "other-creds", {
      what: "side rolled",
    });
    await settle();
    assert.equal(await lastRollout(DEPLOYMENTS, ns, "web"), undefined);
    assert.equal(await lastRollout(STATEFUL_SETS, ns, "db"), undefined);

    // The real change rolls each opted-in kind once, with the new data hash on its pod template.
    await setRemote(ns, "/db", "db-2");
    await eventually(async () => (await secretValue(ns, "db-creds")) === "db-2", { what: "db-creds rotated" });
    const hash = await dataHash(ns, "db-creds");
    for (const [rt, name] of [
      [DEPLOYMENTS, "web"],
      [STATEFUL_SETS, "db"],
      [DAEMON_SETS, "agent"],
    ] as const) {
      const last = await eventually(() => lastRollout(rt, ns, name), { what: `${rt.kind} ${name} rolled` });
      assert.deepEqual([last.name, last.namespace, last.hash], ["db-creds", ns, hash]);
      assert.equal(await rolled(h, rt.kind!, ns, name), 1);
    }
    assert.equal(await lastRollout(DEPLOYMENTS, ns, "plain"), undefined, "no opt-in, no rollout");
    assert.equal((await lastRollout(DEPLOYMENTS, ns, "side"))?.name, "other-creds");

    const onWorkload = await eventually(() => events(ns, "web", "Rolled"), { what: "event on the Deployment" });
    assert.match(onWorkload[0]!, /db-creds/);
    const onES = await eventually(() => events(ns, "db", "WorkloadRolled"), { what: "events on the ExternalSecret" });
    assert.ok(onES.some((m) => m.includes("Deployment web")));

    // With the feature on, the workload kinds are listed and watched, and rollouts are patches.
    const counts = h.api.requestCounts();
    for (const k of ["list deployments", "watch statefulsets", "list daemonsets", "patch deployments"]) {
      assert.ok((counts[k] ?? 0) >= 1, k);
    }

    // A second no-change refresh still rolls nothing more.
    await refreshWithoutChange(ns, "db");
    assert.equal(await rolled(h, "Deployment", ns, "web"), 1);
  });

  it("named Secrets (anchored expressions) roll without a reference; search rolls only for Secrets marked match", async () => {
    const ns = "modes";
    await setUpNamespace(ns, { "/api": "a-1", "/plain": "p-1" });
    await createES(ns, "api", "api-key", "/api", { secretAnnotations: { "reloader.stakater.com/match": "true" } });
    await createES(ns, "plain", "plain-key", "/plain");
    await secretValue(ns, "api-key");
    await secretValue(ns, "plain-key");
    await h.client.create(
      DEPLOYMENTS,
      workload(DEPLOYMENTS, ns, "named", { annotations: { "secret.reloader.stakater.com/reload": "api-.*, nothing" } }),
    );
    await h.client.create(
      DEPLOYMENTS,
      workload(DEPLOYMENTS, ns, "searcher", {
        annotations: { "reloader.stakater.com/search": "true" },
        env: ["api-key", "plain-key"],
      }),
    );
    await h.client.create(
      DEPLOYMENTS,
      workload(DEPLOYMENTS, ns, "prefix", { annotations: { "secret.reloader.stakater.com/reload": "api" } }),
    );

    await setRemote(ns, "/plain", "p-2");
    await eventually(async () => (await secretValue(ns, "plain-key")) === "p-2");
    await settle();
    assert.equal(await lastRollout(DEPLOYMENTS, ns, "named"), undefined, "plain-key is not named");
    assert.equal(await lastRollout(DEPLOYMENTS, ns, "searcher"), undefined, "plain-key is not marked match");

    await setRemote(ns, "/api", "a-2");
    const named = await eventually(() => lastRollout(DEPLOYMENTS, ns, "named"), { what: "named rolled" });
    assert.equal(named.name, "api-key");
    const searched = await eventually(() => lastRollout(DEPLOYMENTS, ns, "searcher"), { what: "searcher rolled" });
    assert.equal(searched.name, "api-key");
    await settle();
    assert.equal(await lastRollout(DEPLOYMENTS, ns, "prefix"), undefined, "names are anchored: api is not api-key");
  });

  it("rate-limits each workload: changes inside the interval roll it once more, at its end, with the latest data", async () => {
    const ns = "rate";
    await setUpNamespace(ns, { "/k": "v-0" });
    await createES(ns, "fast", "fast-creds", "/k");
    await secretValue(ns, "fast-creds");
    await h.client.create(
      DEPLOYMENTS,
      workload(DEPLOYMENTS, ns, "app", { annotations: { "reloader.stakater.com/auto": "true" }, env: ["fast-creds"] }),
    );
    await setRemote(ns, "/k", "v-1");
    const first = await eventually(() => lastRollout(DEPLOYMENTS, ns, "app"), { what: "first rollout" });
    for (const v of ["v-2", "v-3", "v-4"]) {
      await setRemote(ns, "/k", v);
      await eventually(async () => (await secretValue(ns, "fast-creds")) === v, { what: `value ${v}` });
    }
    assert.equal(await rolled(h, "Deployment", ns, "app"), 1, "still inside the interval");
    assert.ok((await rolled(h, "Deployment", ns, "app", "rate_limited")) >= 1);
    const hash = await dataHash(ns, "fast-creds");
    const second = await eventually(
      async () => {
        const last = await lastRollout(DEPLOYMENTS, ns, "app");
        return last?.hash === hash && last;
      },
      { timeoutMs: INTERVAL_MS * 4, what: "the deferred rollout" },
    );
    const gap = Date.parse(second.reloadedAt) - Date.parse(first.reloadedAt);
    assert.ok(gap >= INTERVAL_MS - 50, `rolled again after ${gap} ms`);
    await settle();
    assert.equal(await rolled(h, "Deployment", ns, "app"), 2, "three changes, one more rollout");
  });

  it("never rolls a workload in another namespace; the ExternalSecret's own list rolls workloads in its namespace", async () => {
    await setUpNamespace("team-a", { "/s": "s-1" });
    await createNamespace(h, "team-b");
    await createES("team-a", "shared", "shared", "/s", {
      annotations: { "external-secrets.io/rollout-workloads": "Deployment/local, team-b/Deployment/victim" },
    });
    await secretValue("team-a", "shared");
    // Same Secret name in team-b, opted in: still not team-a's Secret.
    await h.client.create(SECRETS, secretManifest("team-b", "shared", { v: "x" }));
    await h.client.create(
      DEPLOYMENTS,
      workload(DEPLOYMENTS, "team-b", "victim", {
        annotations: { "reloader.stakater.com/auto": "true" },
        env: ["shared"],
      }),
    );
    await h.client.create(DEPLOYMENTS, workload(DEPLOYMENTS, "team-a", "local", { env: ["shared"] }));

    await setRemote("team-a", "/s", "s-2");
    const local = await eventually(() => lastRollout(DEPLOYMENTS, "team-a", "local"), { what: "local rolled" });
    assert.equal(local.name, "shared");
    const refused = await eventually(() => events("team-a", "shared", "RolloutRefused"), { what: "refusal event" });
    assert.match(refused[0]!, /another namespace/);
    await settle();
    assert.equal(await lastRollout(DEPLOYMENTS, "team-b", "victim"), undefined);
    assert.equal(await rolled(h, "Deployment", "team-b", "victim"), 0);
  });
});
