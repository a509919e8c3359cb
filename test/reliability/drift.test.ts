/**
 * Drift attacker (seed 004, adversary 3): someone with Secret write access edits a managed Secret to inject a
 * value. Every kind of out-of-band change is restored from the source within seconds (well before the 1 h
 * refresh), counted in externalsecrets_drift_detected_total and announced by a Warning event, whose text
 * carries neither the real nor the injected value.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { secretDataHash } from "../../src/controllers/common/hash.js";
import { EVENTS, EXTERNAL_SECRETS, SECRET_STORES, SECRETS } from "../../src/kube/index.js";
import { eventually } from "../support/poll.js";
import { type Cluster, createNamespace, decoded, externalSecret, fakeStore, startCluster } from "../support/world.js";
import { canary, LogCapture, leaks, runControllers } from "./support.js";

const NS = "payments";
const real = canary("drift-real");
const injected: string[] = [];
let c: Cluster;
let ctl: Awaited<ReturnType<typeof runControllers>>;
const logs = new LogCapture();

before(async () => {
  c = await startCluster();
  await createNamespace(c, NS);
  await c.client.create(SECRET_STORES, fakeStore("fake", NS, [{ key: "/db", value: real }]));
  ctl = await runControllers(c, { logger: logs.logger });
  await c.client.create(
    EXTERNAL_SECRETS,
    externalSecret("db", NS, {
      refreshInterval: "1h",
      secretStoreRef: { name: "fake", kind: "SecretStore" },
      target: { template: { data: { password: "{{ .pw }}", url: "postgres://app:{{ .pw }}@db:5432" } } },
      data: [{ secretKey: "pw", remoteRef: { key: "/db" } }],
    }),
  );
  await eventually(async () => decoded(await c.client.get(SECRETS, NS, "db")).password === real, {
    timeoutMs: 20_000,
    what: "synced",
  });
});

after(async () => {
  await ctl.stop();
  await c.stop();
});

const expected = () => ({ password: real, url: `postgres://app:${real}@db:5432` });

async function driftCount(): Promise<number> {
  const text = await ctl.registry.getSingleMetricAsString("externalsecrets_drift_detected_total");
  const line = text.split("\n").find((l) => l.includes('name="db"'));
  return line ? Number(line.split(" ").pop()) : 0;
}

async function driftEvents(): Promise<{ message: string; count: number }[]> {
  const events = await c.client.list<any>(EVENTS, NS);
  return events
    .filter((e) => e.reason === "DriftRestored" && e.involvedObject?.name === "db")
    .map((e) => ({ message: e.message, count: e.count ?? 1 }));
}

async function attack(label: string, edit: (s: any) => Promise<void> | void): Promise<number> {
  const before = await driftCount();
  const live = await c.client.get<any>(SECRETS, NS, "db");
  await edit(live);
  const t0 = Date.now();
  await eventually(
    async () => {
      const s = await c.client.get<any>(SECRETS, NS, "db");
      return s && JSON.stringify(decoded(s)) === JSON.stringify(expected()) && (await driftCount()) > before;
    },
    { timeoutMs: 10_000, what: `${label} restored` },
  );
  const took = Date.now() - t0;
  assert.ok(took < 5_000, `${label}: restored in ${took} ms`);
  const s = await c.client.get<any>(SECRETS, NS, "db");
  assert.equal(s.metadata.labels["reconcile.external-secrets.io/managed"], "true", `${label}: label back`);
  return took;
}

describe("drift attacker", () => {
  it("every out-of-band change is restored within seconds, counted and announced", async () => {
    const times: Record<string, number> = {};
    const evil = () => {
      const v = canary("injected");
      injected.push(v);
      return Buffer.from(v).toString("base64");
    };
    times.edit = await attack("edited value", async (s) => {
      s.data.password = evil();
      await c.client.update(SECRETS, s);
    });
    times.addKey = await attack("added key", async (s) => {
      s.data.backdoor = evil();
      await c.client.update(SECRETS, s);
    });
    times.unlabel = await attack("managed label removed with the edit", async (s) => {
      delete s.metadata.labels["reconcile.external-secrets.io/managed"];
      s.data.password = evil();
      await c.client.update(SECRETS, s);
    });
    times.deleted = await attack("deleted", async () => {
      await c.client.delete(SECRETS, NS, "db");
    });
    times.emptied = await attack("emptied", async (s) => {
      s.data = {};
      await c.client.update(SECRETS, s);
    });
    const events = await driftEvents();
    assert.ok(
      events.reduce((n, e) => n + e.count, 0) >= 5,
      `a DriftRestored event per attack: ${JSON.stringify(events)}`,
    );
    assert.ok(events.every((e) => /restored/.test(e.message)));
    assert.ok((await driftCount()) >= 5);
    const surfaces = [JSON.stringify(events), logs.text(), await ctl.registry.metrics()].join("\n");
    assert.deepEqual(leaks(surfaces, [real, ...injected]), []);
    console.log(`# reliability/drift: 5 attacks restored in ${JSON.stringify(times)} ms`);
  });

  it("an attacker who also forges the data-hash annotation holds the value at most one refresh interval", async () => {
    // Known limit (as upstream): a forged hash looks like the operator's own write, so only the next
    // refresh repairs it. The refresh interval bounds the window; here it is 2 s.
    const es = await c.client.get<any>(EXTERNAL_SECRETS, NS, "db");
    es.spec.refreshInterval = "2s";
    await c.client.update(EXTERNAL_SECRETS, es);
    await new Promise((r) => setTimeout(r, 500));
    const s = await c.client.get<any>(SECRETS, NS, "db");
    const v = canary("forged");
    injected.push(v);
    s.data.password = Buffer.from(v).toString("base64");
    const raw = Object.fromEntries(
      Object.entries(s.data as Record<string, string>).map(([k, x]) => [k, Buffer.from(x, "base64")]),
    );
    s.metadata.annotations["reconcile.external-secrets.io/data-hash"] = secretDataHash(raw);
    await c.client.update(SECRETS, s);
    const t0 = Date.now();
    await eventually(async () => decoded(await c.client.get(SECRETS, NS, "db")).password === real, {
      timeoutMs: 15_000,
      what: "repaired",
    });
    const took = Date.now() - t0;
    assert.ok(took <= 2_000 + 5_000 + 3_000, `forged value held ${took} ms (refresh 2 s + read cache 5 s + slack)`);
    console.log(`# reliability/drift: forged-hash edit held ${took} ms with refreshInterval 2s`);
  });
});
