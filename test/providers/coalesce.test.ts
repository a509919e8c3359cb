import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ProviderReadCoalescer, RecordingKubeAccess, type StoreIdentity } from "../../src/providers/coalesce.js";
import { NoSecretError } from "../../src/providers/errors.js";
import type { BatchReads, RemoteRef, SecretsClient } from "../../src/providers/provider.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

/** A provider client over a map that counts calls and answers after a tick (so reads overlap). */
class CountingClient implements SecretsClient {
  calls = 0;
  pushes = 0;
  constructor(readonly values: Map<string, string>) {}
  async getSecret(ref: RemoteRef): Promise<Buffer> {
    this.calls++;
    await new Promise((r) => setTimeout(r, 5));
    const v = this.values.get(ref.key);
    if (v === undefined) throw new NoSecretError(`secret ${JSON.stringify(ref.key)} not found`);
    return Buffer.from(v);
  }
  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return { value: await this.getSecret(ref) };
  }
  async getAllSecrets(): Promise<Record<string, Buffer>> {
    this.calls++;
    return Object.fromEntries([...this.values].map(([k, v]) => [k, Buffer.from(v)]));
  }
  async pushSecret(_s: unknown, data: { remoteRef: { remoteKey: string } }): Promise<void> {
    this.pushes++;
    this.values.set(data.remoteRef.remoteKey, "pushed");
  }
  async deleteSecret(): Promise<void> {}
  async secretExists(): Promise<boolean> {
    return true;
  }
  async validate() {
    return { ready: true };
  }
  async close(): Promise<void> {}
}

class BatchingClient extends CountingClient {
  batches: string[][] = [];
  readonly batchReads: BatchReads = {
    batchable: (ref) => !ref.version,
    getSecretBatch: async (refs) => {
      this.batches.push(refs.map((r) => r.key));
      return refs.map((r) => {
        const v = this.values.get(r.key);
        return v === undefined ? new NoSecretError("missing") : Buffer.from(v);
      });
    },
  };
}

const store: StoreIdentity = { kind: "SecretStore", namespace: "team-a", name: "aws", uid: "u1", resourceVersion: "1" };

describe("provider read coalescing", () => {
  test("concurrent identical reads share one provider call; each caller gets its own copy", async () => {
    const reads = new ProviderReadCoalescer({ batchWindowMs: -1 });
    const inner = new CountingClient(new Map([["db", "s3cret"]]));
    const c = reads.wrap(inner, reads.scope(store, "team-a", "cred-1"));
    const answers = await Promise.all(Array.from({ length: 50 }, () => c.getSecret({ key: "db" })));
    assert.equal(inner.calls, 1);
    assert.ok(answers.every((a) => a.toString() === "s3cret"));
    answers[0]!.fill(0);
    assert.equal((await c.getSecret({ key: "db" })).toString(), "s3cret", "a caller's mutation does not leak");
    assert.equal(inner.calls, 1, "answered from the TTL cache");
  });

  test("answers expire after the TTL; errors are shared in flight but never cached", async () => {
    let now = 1_000;
    const reads = new ProviderReadCoalescer({ ttlMs: 100, batchWindowMs: -1, now: () => now });
    const inner = new CountingClient(new Map([["k", "v1"]]));
    const c = reads.wrap(inner, reads.scope(store, "team-a", "cred-1"));
    assert.equal((await c.getSecret({ key: "k" })).toString(), "v1");
    inner.values.set("k", "v2");
    now += 50;
    assert.equal((await c.getSecret({ key: "k" })).toString(), "v1");
    now += 100;
    assert.equal((await c.getSecret({ key: "k" })).toString(), "v2");
    assert.equal(inner.calls, 2);

    const failures = await Promise.allSettled([c.getSecret({ key: "nope" }), c.getSecret({ key: "nope" })]);
    assert.ok(failures.every((f) => f.status === "rejected" && f.reason instanceof NoSecretError));
    assert.equal(inner.calls, 3, "one call for both concurrent failing reads");
    await assert.rejects(c.getSecret({ key: "nope" }), NoSecretError);
    assert.equal(inner.calls, 4, "a failure is not cached");
  });

  test("different stores, tenants or credentials never share answers", async () => {
    const reads = new ProviderReadCoalescer({ batchWindowMs: -1 });
    const a = new CountingClient(new Map([["db", "tenant-a"]]));
    const b = new CountingClient(new Map([["db", "tenant-b"]]));
    const c = new CountingClient(new Map([["db", "rotated-cred"]]));
    const d = new CountingClient(new Map([["db", "other-ns"]]));
    const ca = reads.wrap(a, reads.scope(store, "team-a", "cred-1"));
    const cb = reads.wrap(b, reads.scope({ ...store, uid: "u2" }, "team-a", "cred-1"));
    const cc = reads.wrap(c, reads.scope(store, "team-a", "cred-2"));
    const cd = reads.wrap(d, reads.scope({ ...store, kind: "ClusterSecretStore" }, "team-b", "cred-1"));
    assert.equal((await ca.getSecret({ key: "db" })).toString(), "tenant-a");
    assert.equal((await cb.getSecret({ key: "db" })).toString(), "tenant-b");
    assert.equal((await cc.getSecret({ key: "db" })).toString(), "rotated-cred");
    assert.equal((await cd.getSecret({ key: "db" })).toString(), "other-ns");
    assert.deepEqual([a.calls, b.calls, c.calls, d.calls], [1, 1, 1, 1]);
  });

  test("memory is bounded by entries and by bytes (least recently used goes first)", async () => {
    const values = new Map(Array.from({ length: 20 }, (_, i) => [`k${i}`, "x".repeat(1000)] as [string, string]));
    const byCount = new ProviderReadCoalescer({ maxEntries: 5, batchWindowMs: -1 });
    const c = byCount.wrap(new CountingClient(values), byCount.scope(store, "team-a", "c"));
    for (let i = 0; i < 20; i++) await c.getSecret({ key: `k${i}` });
    assert.equal(byCount.stats().entries, 5);
    const byBytes = new ProviderReadCoalescer({ maxBytes: 4 * 1100, batchWindowMs: -1 });
    const inner = new CountingClient(values);
    const d = byBytes.wrap(inner, byBytes.scope(store, "team-a", "c"));
    for (let i = 0; i < 20; i++) await d.getSecret({ key: `k${i}` });
    assert.ok(byBytes.stats().bytes <= 4 * 1100);
    assert.ok(byBytes.stats().entries <= 4 && byBytes.stats().entries >= 3);
    await d.getSecret({ key: "k19" });
    const before = inner.calls;
    await d.getSecret({ key: "k0" });
    assert.equal(inner.calls, before + 1, "an evicted key is read again");
  });

  test("invalidate drops one key of a store in every scope; a push through the layer does too", async () => {
    const reads = new ProviderReadCoalescer({ batchWindowMs: -1 });
    const inner = new CountingClient(
      new Map([
        ["a", "1"],
        ["b", "2"],
      ]),
    );
    const c1 = reads.wrap(inner, reads.scope(store, "team-a", "cred-1"));
    const c2 = reads.wrap(inner, reads.scope(store, "team-a", "cred-2"));
    await Promise.all([c1.getSecret({ key: "a" }), c1.getSecret({ key: "b" }), c2.getSecret({ key: "a" })]);
    assert.equal(inner.calls, 3);
    assert.equal(reads.invalidate({ kind: "SecretStore", namespace: "team-a", name: "aws" }, "a"), 2);
    inner.values.set("a", "changed");
    assert.equal((await c1.getSecret({ key: "a" })).toString(), "changed");
    assert.equal((await c1.getSecret({ key: "b" })).toString(), "2");
    assert.equal(inner.calls, 4);
    await c1.pushSecret({ name: "s", namespace: "team-a", data: {} }, { remoteRef: { remoteKey: "b" } });
    assert.equal((await c1.getSecret({ key: "b" })).toString(), "pushed");
  });

  test("concurrent single reads of one scope are gathered into one batch call", async () => {
    const reads = new ProviderReadCoalescer({ batchWindowMs: 5 });
    const inner = new BatchingClient(
      new Map([
        ["a", "1"],
        ["b", "2"],
        ["c", "3"],
      ]),
    );
    const c = reads.wrap(inner, reads.scope(store, "team-a", "cred"));
    const out = await Promise.allSettled(
      ["a", "b", "c", "a", "missing"].map((key) => c.getSecret({ key }).then((v) => v.toString())),
    );
    assert.deepEqual(
      out.map((o) => (o.status === "fulfilled" ? o.value : "error")),
      ["1", "2", "3", "1", "error"],
    );
    assert.deepEqual(inner.batches, [["a", "b", "c", "missing"]]);
    assert.equal(inner.calls, 0);
    assert.equal(reads.stats().providerCalls, 1);
  });

  test("the credential fingerprint follows the credential material a provider read", async () => {
    const kube = new MemoryKubeAccess()
      .setSecret("team-a", "creds", { key: "AKIA1" })
      .setServiceAccount("team-a", "sa");
    const read = async () => {
      const rec = new RecordingKubeAccess(kube);
      await rec.getSecret("team-a", "creds");
      await rec.createServiceAccountToken("team-a", "sa", ["sts.amazonaws.com"]);
      return rec.fingerprint();
    };
    const first = await read();
    assert.equal(await read(), first, "same material, same fingerprint (token bytes do not matter)");
    kube.setSecret("team-a", "creds", { key: "AKIA2" });
    assert.notEqual(await read(), first);
    assert.ok(!first.includes("AKIA"));
  });
});
