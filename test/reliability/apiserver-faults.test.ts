/**
 * API server faults under load: 1,000 ExternalSecrets (fake provider) are created while the API server answers
 * random requests with 409/500/429, a proxy resets live connections and every watch is cut repeatedly.
 * Afterwards every ExternalSecret is Ready, every Secret holds exactly its source data, there is exactly one
 * Secret per ExternalSecret (owned by it), and the work queue is empty with no retry loop left running.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EXTERNAL_SECRETS, SECRET_STORES, SECRETS } from "../../src/kube/index.js";
import { RuntimeMetrics } from "../../src/runtime/metrics.js";
import { eventually } from "../support/poll.js";
import { type Cluster, createNamespace, decoded, externalSecret, fakeStore, startCluster } from "../support/world.js";
import { ResettingProxy, readyOf, runControllers } from "./support.js";

const NAMESPACES = 10;
const PER_NAMESPACE = 100;
const TOTAL = NAMESPACES * PER_NAMESPACE;

let c: Cluster;
let proxy: ResettingProxy;

before(async () => {
  c = await startCluster({ watchHistory: 20_000 });
  proxy = await new ResettingProxy(c.api.url).start();
});
after(async () => {
  await proxy.stop();
  await c.stop();
});

const value = (ns: number, i: number, gen: number) => `value-${ns}-${i}-g${gen}`;

function storeData(ns: number, gen: number) {
  return Array.from({ length: PER_NAMESPACE }, (_, i) => ({ key: `/k${i}`, value: value(ns, i, gen) }));
}

type Fault = () => string;

/** One random fault per call; returns what was injected. */
function chaos(): Fault[] {
  const api = c.api;
  const code = () => [409, 500, 429][Math.floor(Math.random() * 3)]!;
  return [
    () => {
      const k = code();
      api.faults.failNext({ verb: "create", resource: "secrets" }, 2, k);
      return `create secrets ${k} x2`;
    },
    () => {
      const k = code();
      api.faults.failNext({ verb: "update", resource: "secrets" }, 2, k);
      return `update secrets ${k} x2`;
    },
    () => {
      api.faults.failNext({ verb: "update", resource: "externalsecrets/status" }, 2, 409);
      return "update externalsecrets/status 409 x2";
    },
    () => {
      api.faults.failNext({ verb: "list", resource: "externalsecrets" }, 1, 500);
      return "list externalsecrets 500 x1";
    },

    () => {
      const k = code();
      api.faults.failNext({ verb: "get", resource: "secrets" }, 2, k);
      return `get secrets ${k} x2`;
    },
    () => {
      const k = code();
      api.faults.failNext({ verb: "delete", resource: "events" }, 1, k);
      api.faults.failNext({ verb: "patch", resource: "events" }, 2, k);
      return `patch events ${k} x2`;
    },
    () => {
      api.faults.failNext({ verb: "list", resource: "secrets" }, 2, 500);
      return "list secrets 500 x2";
    },
    () => {
      api.faults.failNext({ verb: "create", resource: "events" }, 2, 500);
      return "create events 500 x2";
    },
    () => `connection resets x${proxy.reset(0.5)}`,
    () => {
      api.faults.cutWatches();
      return "cut watches";
    },
  ];
}

async function metric(text: string, name: string, labels: string): Promise<number> {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(" ").pop()) : 0;
}

/** Every ExternalSecret Ready; exactly one correct Secret each, owned by it; nothing else written. */
async function converged(gen: number): Promise<void> {
  await eventually(
    async () => {
      const all = await c.client.list<any>(SECRETS, undefined, "reconcile.external-secrets.io/managed=true");
      return all.length === TOTAL && all.every((s) => decoded(s).value?.endsWith(`-g${gen}`));
    },
    { timeoutMs: 180_000, intervalMs: 1_000, what: `all Secrets at generation ${gen}` },
  );
  // Every ExternalSecret converges.
  await eventually(
    async () => {
      const all = await c.client.list<any>(EXTERNAL_SECRETS);
      return (
        all.length === TOTAL && all.every((es) => readyOf(es)?.status === "True" && es.status?.syncedResourceVersion)
      );
    },
    { timeoutMs: 180_000, intervalMs: 1_000, what: "all 1,000 ExternalSecrets Ready" },
  );

  const secrets = await c.client.list<any>(SECRETS, undefined, "reconcile.external-secrets.io/managed=true");
  const ess = await c.client.list<any>(EXTERNAL_SECRETS);
  const uidOf = new Map(ess.map((es) => [`${es.metadata.namespace}/${es.metadata.name}`, es.metadata.uid]));
  assert.equal(secrets.length, TOTAL, "exactly one Secret per ExternalSecret");
  const seen = new Set<string>();
  for (const s of secrets) {
    const ns = s.metadata.namespace as string;
    const i = Number(String(s.metadata.name).replace("target-", ""));
    const key = `${ns}/${s.metadata.name}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
    assert.deepEqual(decoded(s), { value: value(Number(ns.replace("tenant-", "")), i, gen) }, key);
    const owners = (s.metadata.ownerReferences ?? []).filter((o: any) => o.controller);
    assert.equal(owners.length, 1, `${key} has one controller owner`);
    assert.equal(owners[0].uid, uidOf.get(`${ns}/es-${i}`), `${key} owned by its ExternalSecret`);
  }
  // Nothing other than the 1,000 targets was created in the tenant namespaces.
  for (let n = 0; n < NAMESPACES; n++) {
    const all = await c.client.list<any>(SECRETS, `tenant-${n}`);
    assert.equal(all.length, PER_NAMESPACE, `tenant-${n} Secret count`);
  }
}

/** The test's own client shares the faulty API server: its reads and writes are retried. */
async function retrying(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt > 50) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe("API server faults with 1,000 ExternalSecrets", () => {
  it("converges with no lost, duplicate or stuck item", { timeout: 240_000 }, async () => {
    const runtimeMetrics = new RuntimeMetrics();
    const ctl = await runControllers(c, { url: proxy.url, concurrency: 8, runtimeMetrics, qps: 2_000 });
    const injected: Record<string, number> = {};
    const inject = (f: Fault) => {
      // "<what> xN": N requests failed or connections reset; a cut counts once.
      const label = f();
      const m = / x(\d+)$/.exec(label);
      const what = label.replace(/ x\d+$/, "");
      injected[what] = (injected[what] ?? 0) + (m ? Number(m[1]) : 1);
    };
    const faults = chaos();
    /** Runs `work` while faults keep coming every 100 ms: at least `min`, at most `2 * min` of them. */
    const underChaos = async (min: number, work: () => Promise<void>) => {
      let count = 0;
      let done = false;
      const loop = (async () => {
        while (count < min || (!done && count < 2 * min)) {
          inject(faults[Math.floor(Math.random() * faults.length)]!);
          count++;
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      try {
        await work();
      } finally {
        done = true;
        await loop;
        c.api.faults.clear();
      }
    };
    const managed = async () => c.client.list<any>(SECRETS, undefined, "reconcile.external-secrets.io/managed=true");

    // Phase 1: create everything under faults.
    await underChaos(100, async () => {
      for (let n = 0; n < NAMESPACES; n++) {
        await createNamespace(c, `tenant-${n}`);
        await c.client.create(SECRET_STORES, fakeStore("fake", `tenant-${n}`, storeData(n, 1)));
      }
      for (let n = 0; n < NAMESPACES; n++) {
        for (let i = 0; i < PER_NAMESPACE; i++) {
          await c.client.create(
            EXTERNAL_SECRETS,
            externalSecret(`es-${i}`, `tenant-${n}`, {
              refreshInterval: "1h",
              secretStoreRef: { name: "fake", kind: "SecretStore" },
              target: { name: `target-${i}` },
              data: [{ secretKey: "value", remoteRef: { key: `/k${i}` } }],
            }),
          );
        }
      }
      await eventually(async () => (await managed()).length > TOTAL / 2, {
        timeoutMs: 120_000,
        intervalMs: 1_000,
        what: "half the Secrets written",
      });
    });
    await converged(1);

    // Phase 2: rotate every source value and force a refresh of every ExternalSecret, under faults again.
    await underChaos(100, async () => {
      for (let n = 0; n < NAMESPACES; n++) {
        await retrying(async () => {
          const store = await c.client.get<any>(SECRET_STORES, `tenant-${n}`, "fake");
          store.spec.provider.fake.data = storeData(n, 2);
          await c.client.update(SECRET_STORES, store);
        });
      }
      for (let n = 0; n < NAMESPACES; n++) {
        for (let i = 0; i < PER_NAMESPACE; i++) {
          await retrying(async () => {
            const es = await c.client.get<any>(EXTERNAL_SECRETS, `tenant-${n}`, `es-${i}`);
            es.metadata.annotations = { ...(es.metadata.annotations ?? {}), "force-sync": "2" };
            await c.client.update(EXTERNAL_SECRETS, es);
          });
        }
      }
      await eventually(
        async () => (await managed()).filter((s) => decoded(s).value?.endsWith("-g2")).length > TOTAL / 2,
        { timeoutMs: 120_000, intervalMs: 1_000, what: "half the Secrets rotated" },
      );
    });
    await converged(2);
    // No stuck item: the queue drains and stays drained; no error retries keep running.
    const text = () => runtimeMetrics.text();
    await eventually(async () => (await metric(await text(), "workqueue_depth", 'name="externalsecret"')) === 0, {
      timeoutMs: 30_000,
      intervalMs: 1_000,
      what: "queue drained",
    });
    const errorsBefore = await metric(
      await text(),
      "controller_runtime_reconcile_errors_total",
      'controller="externalsecret"',
    );
    const reconcilesBefore = await metric(await text(), "controller_runtime_reconcile_total", 'result="error"');
    await new Promise((r) => setTimeout(r, 2_000));
    const after2s = await text();
    assert.equal(
      await metric(after2s, "controller_runtime_reconcile_errors_total", 'controller="externalsecret"'),
      errorsBefore,
      "no reconcile keeps failing",
    );
    assert.equal(await metric(after2s, "controller_runtime_reconcile_total", 'result="error"'), reconcilesBefore);
    assert.equal(await metric(after2s, "workqueue_depth", 'name="externalsecret"'), 0);
    assert.equal(await metric(after2s, "controller_runtime_active_workers", 'controller="externalsecret"'), 0);
    await ctl.stop();

    const total = Object.values(injected).reduce((a, b) => a + b, 0);
    const served = Object.entries(proxy.statuses).filter(([code]) => ["409", "429", "500"].includes(code));
    console.log(
      `# reliability/apiserver-faults: ${TOTAL} ExternalSecrets; ${total} faults scheduled ${JSON.stringify(injected)}; error responses the controllers received ${JSON.stringify(Object.fromEntries(served))}; ${proxy.resets} connections reset; reconcile errors retried: ${errorsBefore}; lost: 0, duplicated: 0, stuck: 0`,
    );
  });
});
