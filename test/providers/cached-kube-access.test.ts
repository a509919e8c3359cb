/**
 * Credentials reads through CachedKubeAccess: many syncs of one store read its credentials Secret once per
 * second, not once each; a rotated Secret is seen after the TTL or at once through fresh(); callers get copies.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CachedKubeAccess } from "../../src/providers/cached-kube-access.js";
import type { KubeAccess } from "../../src/providers/provider.js";

function countingAccess(values: Record<string, string>) {
  const calls = { secret: 0, configMap: 0, token: 0 };
  const inner: KubeAccess = {
    getSecret: async (_ns, name) => {
      calls.secret++;
      await new Promise((r) => setTimeout(r, 2));
      return name in values ? { key: Buffer.from(values[name]!) } : undefined;
    },
    getConfigMap: async (_ns, name) => {
      calls.configMap++;
      return name in values ? { key: values[name]! } : undefined;
    },
    createServiceAccountToken: async () => `token-${++calls.token}`,
  };
  return { inner, calls };
}

describe("CachedKubeAccess", () => {
  it("shares concurrent reads and keeps answers for the TTL", async () => {
    let now = 1_000;
    const { inner, calls } = countingAccess({ creds: "v1" });
    const kube = new CachedKubeAccess(inner, { ttlMs: 1_000, now: () => now });
    const many = await Promise.all(Array.from({ length: 20 }, () => kube.getSecret("ns", "creds")));
    assert.equal(calls.secret, 1);
    assert.ok(many.every((m) => m?.key?.toString() === "v1"));
    now += 999;
    await kube.getSecret("ns", "creds");
    assert.equal(calls.secret, 1, "within the TTL");
    now += 2;
    await kube.getSecret("ns", "creds");
    assert.equal(calls.secret, 2, "after the TTL");
    await kube.getSecret("other-ns", "creds");
    assert.equal(calls.secret, 3, "another namespace is another object");
  });

  it("fresh() always reads and updates what others see", async () => {
    const values = { creds: "old" };
    const { inner, calls } = countingAccess(values);
    const kube = new CachedKubeAccess(inner, { ttlMs: 60_000 });
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "old");
    values.creds = "rotated";
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "old");
    assert.equal((await kube.fresh().getSecret("ns", "creds"))?.key?.toString(), "rotated");
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "rotated");
    assert.equal(calls.secret, 2);
  });

  it("hands out copies, remembers absence, never caches tokens, and stays bounded", async () => {
    const { inner, calls } = countingAccess({ creds: "v1" });
    const kube = new CachedKubeAccess(inner, { ttlMs: 60_000, maxEntries: 2 });
    const first = await kube.getSecret("ns", "creds");
    first!.key!.fill(0);
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "v1");
    assert.equal(await kube.getSecret("ns", "absent"), undefined);
    assert.equal(await kube.getSecret("ns", "absent"), undefined);
    assert.equal(calls.secret, 2);
    assert.notEqual(
      await kube.createServiceAccountToken("ns", "sa", ["aud"]),
      await kube.createServiceAccountToken("ns", "sa", ["aud"]),
    );
    await kube.getConfigMap("ns", "creds");
    await kube.getSecret("ns", "third");
    await kube.getSecret("ns", "creds");
    assert.equal(calls.secret, 4, "the oldest entry was dropped at the bound of 2");
  });

  it("a failed read is not remembered", async () => {
    let fail = true;
    const kube = new CachedKubeAccess(
      {
        getSecret: async () => {
          if (fail) throw new Error("apiserver unavailable");
          return { key: Buffer.from("ok") };
        },
        getConfigMap: async () => undefined,
        createServiceAccountToken: async () => "t",
      },
      { ttlMs: 60_000 },
    );
    await assert.rejects(kube.getSecret("ns", "creds"), /unavailable/);
    fail = false;
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "ok");
  });
});
