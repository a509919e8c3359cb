/**
 * Crash safety: the controllers are killed at random points while they sync (their connections reset
 * mid-request, then abandoned) and started again, over and over, while the source keeps rotating. At every
 * crash point each managed Secret is whole (all its keys from one source generation, data hash annotation
 * matching its data); after the last restart every Secret converges to the source and none is missing.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { secretDataHash } from "../../src/controllers/common/hash.js";
import { ANNOTATION_DATA_HASH } from "../../src/controllers/externalsecret/constants.js";
import { EXTERNAL_SECRETS, SECRET_STORES, SECRETS } from "../../src/kube/index.js";
import { eventually } from "../support/poll.js";
import { type Cluster, createNamespace, decoded, externalSecret, fakeStore, startCluster } from "../support/world.js";
import { ResettingProxy, readyOf, runControllers } from "./support.js";

const N = 100;
const NS = "app";
const ROUNDS = 8;
let c: Cluster;

const storeData = (gen: number) =>
  Array.from({ length: N }, (_, i) => [
    { key: `/u${i}`, value: `user-${i}-g${gen}` },
    { key: `/p${i}`, value: `pass-${i}-g${gen}` },
  ]).flat();

before(async () => {
  c = await startCluster();
  await createNamespace(c, NS);
  await c.client.create(SECRET_STORES, fakeStore("fake", NS, storeData(0)));
  for (let i = 0; i < N; i++) {
    await c.client.create(
      EXTERNAL_SECRETS,
      externalSecret(`es-${i}`, NS, {
        refreshInterval: "1s",
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        target: {
          template: { data: { dsn: "{{ .user }}:{{ .pass }}", user: "{{ .user }}" } },
        },
        data: [
          { secretKey: "user", remoteRef: { key: `/u${i}` } },
          { secretKey: "pass", remoteRef: { key: `/p${i}` } },
        ],
      }),
    );
  }
});
after(() => c.stop());

async function rotate(gen: number): Promise<void> {
  const store = await c.client.get<any>(SECRET_STORES, NS, "fake");
  store.spec.provider.fake.data = storeData(gen);
  await c.client.update(SECRET_STORES, store);
}

/** Every managed Secret is internally consistent: never half-written. */
async function assertWhole(): Promise<number> {
  const secrets = await c.client.list<any>(SECRETS, NS, "reconcile.external-secrets.io/managed=true");
  for (const s of secrets) {
    const d = decoded(s);
    const i = String(s.metadata.name).replace("es-", "");
    const gen = /-g(\d+)$/.exec(d.user ?? "")?.[1];
    assert.ok(gen !== undefined, `${s.metadata.name}: has its keys (${Object.keys(d)})`);
    assert.deepEqual(d, { user: `user-${i}-g${gen}`, dsn: `user-${i}-g${gen}:pass-${i}-g${gen}` }, s.metadata.name);
    const raw = Object.fromEntries(
      Object.entries(s.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, "base64")]),
    );
    assert.equal(s.metadata.annotations?.[ANNOTATION_DATA_HASH], secretDataHash(raw), `${s.metadata.name}: hash`);
    assert.equal((s.metadata.ownerReferences ?? []).length, 1, `${s.metadata.name}: one owner`);
  }
  return secrets.length;
}

describe("crash safety", () => {
  it("controllers killed at random points during syncs: nothing lost or half-written, all converge", async () => {
    const crashes: number[] = [];
    let gen = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const proxy = await new ResettingProxy(c.api.url).start();
      const ctl = await runControllers(c, { url: proxy.url, concurrency: 4, coalesceTtlMs: 0 });
      if (round > 1) await rotate(++gen);
      // Let it work for a random while, then kill it mid-flight: connections reset, process abandoned.
      const life = 100 + Math.floor(Math.random() * 1_200);
      await new Promise((r) => setTimeout(r, life));
      crashes.push(life);
      await proxy.stop();
      await ctl.stop();
      await assertWhole();
    }
    const ctl = await runControllers(c, { concurrency: 4, coalesceTtlMs: 0 });
    try {
      await eventually(
        async () => {
          const secrets = await c.client.list<any>(SECRETS, NS, "reconcile.external-secrets.io/managed=true");
          return secrets.length === N && secrets.every((s) => decoded(s).user?.endsWith(`-g${gen}`));
        },
        { timeoutMs: 90_000, what: "every Secret at the latest source generation" },
      );
      assert.equal(await assertWhole(), N);
      await eventually(
        async () => (await c.client.list<any>(EXTERNAL_SECRETS, NS)).every((es) => readyOf(es)?.status === "True"),
        { timeoutMs: 30_000, what: "all Ready" },
      );
      assert.equal((await c.client.list<any>(SECRETS, NS)).length, N, "no stray Secrets");
    } finally {
      await ctl.stop();
    }
    console.log(
      `# reliability/crash: ${ROUNDS} kills at ${crashes.join(",")} ms into a sync run; ${N} Secrets, none lost or half-written`,
    );
  });
});
