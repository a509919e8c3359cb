/**
 * Providers' credential reads through ClusterKubeAccess: they are ordinary calls of the operator's KubeClient
 * (counted in rest_client_requests_total, held back by its rate limiter); many syncs of one store read its
 * credentials Secret once per TTL, not once each; a rotated Secret is seen after the TTL or at once through
 * fresh(); callers get their own copies; tokens are never reused.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { KubeClient, type ResourceDescriptor, SECRETS, SERVICE_ACCOUNTS } from "../../src/kube/index.js";
import { ClusterKubeAccess } from "../../src/providers/kube-access.js";
import { FakeClock } from "../../src/runtime/clock.js";
import { RuntimeMetrics } from "../../src/runtime/metrics.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A client whose GETs of Secrets are answered from `values` and counted (no server behind it). */
class CountingClient extends KubeClient {
  secretReads = 0;
  tokens = 0;
  fail = false;

  constructor(readonly values: Record<string, string>) {
    super({ connection: { server: "http://127.0.0.1:9" } });
  }

  override async get<T>(rd: ResourceDescriptor, _namespace: string, name: string): Promise<T | undefined> {
    if (rd === SECRETS) this.secretReads++;
    await new Promise((r) => setTimeout(r, 2));
    if (this.fail) throw new Error("apiserver unavailable");
    const value = this.values[name];
    if (value === undefined) return undefined;
    return (rd === SECRETS ? { data: { key: b64(value) } } : { data: { key: value } }) as T;
  }

  override async createToken(): Promise<string> {
    return `token-${++this.tokens}`;
  }
}

describe("ClusterKubeAccess over the operator's client", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer();
    const admin = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
    await admin.create(SECRETS, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "creds", namespace: "default" },
      data: { token: b64("any-token") },
    });
    await admin.create(SERVICE_ACCOUNTS, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "reader", namespace: "default" },
    });
    admin.close();
  });
  after(() => api.stop());

  it("counts credential reads and TokenRequests in rest_client_requests_total and holds them to the rate limit", async () => {
    const clock = new FakeClock();
    const metrics = new RuntimeMetrics();
    // One request at once, then one per second of the (fake) clock.
    const client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 1, burst: 1, clock, metrics });
    const kube = new ClusterKubeAccess(client);
    try {
      assert.equal((await kube.getSecret("default", "creds"))?.token?.toString(), "any-token");

      const got: { token?: string; secret?: Record<string, Buffer> } = {};
      const settled = () => ({ ...got });
      const pending = kube.createServiceAccountToken("default", "reader", ["aud"], 600).then((t) => {
        got.token = t;
      });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(settled().token, undefined, "the TokenRequest waits for a token of the limiter");
      clock.advance(1_000);
      await pending;
      assert.equal(got.token?.split(".").length, 3);

      const reading = kube.getSecret("default", "creds").then((r) => {
        got.secret = r;
      });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(settled().secret, undefined, "the next credential read waits too");
      clock.advance(1_000);
      await reading;
      assert.equal(got.secret?.token?.toString(), "any-token");

      const text = await metrics.text();
      assert.match(text, /rest_client_requests_total\{code="200",method="GET",host="[^"]+"\} 2/);
      assert.match(text, /rest_client_requests_total\{code="201",method="POST",host="[^"]+"\} 1/);
    } finally {
      client.close();
    }
  });

  it("reads ServiceAccount annotations and tells absent objects apart", async () => {
    const client = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
    const kube = new ClusterKubeAccess(client);
    try {
      assert.deepEqual(await kube.getServiceAccountAnnotations("default", "reader"), {});
      assert.equal(await kube.getServiceAccountAnnotations("default", "absent"), undefined);
      assert.equal(await kube.getSecret("default", "absent"), undefined);
      assert.equal(await kube.getConfigMap("default", "absent"), undefined);
    } finally {
      client.close();
    }
  });
});

describe("ClusterKubeAccess reads kept for a TTL", () => {
  it("shares concurrent reads and keeps answers for the TTL", async () => {
    let now = 1_000;
    const client = new CountingClient({ creds: "v1" });
    const kube = new ClusterKubeAccess(client, { ttlMs: 1_000, now: () => now });
    const many = await Promise.all(Array.from({ length: 20 }, () => kube.getSecret("ns", "creds")));
    assert.equal(client.secretReads, 1);
    assert.ok(many.every((m) => m?.key?.toString() === "v1"));
    now += 999;
    await kube.getSecret("ns", "creds");
    assert.equal(client.secretReads, 1, "within the TTL");
    now += 2;
    await kube.getSecret("ns", "creds");
    assert.equal(client.secretReads, 2, "after the TTL");
    await kube.getSecret("other-ns", "creds");
    assert.equal(client.secretReads, 3, "another namespace is another object");
  });

  it("fresh() always reads and updates what others see", async () => {
    const client = new CountingClient({ creds: "old" });
    const kube = new ClusterKubeAccess(client, { ttlMs: 60_000 });
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "old");
    client.values.creds = "rotated";
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "old");
    assert.equal((await kube.fresh().getSecret("ns", "creds"))?.key?.toString(), "rotated");
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "rotated");
    assert.equal(client.secretReads, 2);
  });

  it("hands out copies, remembers absence, never reuses tokens, and stays bounded", async () => {
    const client = new CountingClient({ creds: "v1" });
    const kube = new ClusterKubeAccess(client, { ttlMs: 60_000, maxEntries: 2 });
    const first = await kube.getSecret("ns", "creds");
    first!.key!.fill(0);
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "v1");
    assert.equal(await kube.getSecret("ns", "absent"), undefined);
    assert.equal(await kube.getSecret("ns", "absent"), undefined);
    assert.equal(client.secretReads, 2);
    assert.notEqual(
      await kube.createServiceAccountToken("ns", "sa", ["aud"]),
      await kube.createServiceAccountToken("ns", "sa", ["aud"]),
    );
    assert.equal((await kube.getConfigMap("ns", "creds"))?.key, "v1");
    await kube.getSecret("ns", "third");
    await kube.getSecret("ns", "creds");
    assert.equal(client.secretReads, 4, "the oldest entry was dropped at the bound of 2");
  });

  it("a failed read is not remembered", async () => {
    const client = new CountingClient({ creds: "ok" });
    const kube = new ClusterKubeAccess(client, { ttlMs: 60_000 });
    client.fail = true;
    await assert.rejects(kube.getSecret("ns", "creds"), /unavailable/);
    client.fail = false;
    assert.equal((await kube.getSecret("ns", "creds"))?.key?.toString(), "ok");
  });

  it("without a TTL, only reads in flight at the same time are shared", async () => {
    const client = new CountingClient({ creds: "v1" });
    const kube = new ClusterKubeAccess(client);
    await Promise.all([kube.getSecret("ns", "creds"), kube.getSecret("ns", "creds")]);
    assert.equal(client.secretReads, 1);
    await kube.getSecret("ns", "creds");
    assert.equal(client.secretReads, 2);
  });
});
