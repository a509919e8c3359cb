import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { akeylessProvider } from "../../src/providers/akeyless/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type AkeylessFake, startAkeylessFake } from "../fakes/akeyless-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("akeyless provider", () => {
  let fake: AkeylessFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startAkeylessFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.items.clear();
    fake.accessKeys.clear();
    fake.accessKeys.set("p-123", "the-access-key");
    fake.items.set("/app/db", {
      type: "STATIC_SECRET",
      versions: ['{"user":"u1"}', '{"user":"u2","port":5432}'],
      tags: ["env=prod"],
    });
    fake.items.set("/app/api", { type: "STATIC_SECRET", versions: ["api-key"], tags: ["team"] });
    fake.items.set("/dyn/pg", { type: "DYNAMIC_SECRET", value: { user: "tmp", password: "gen" } });
    fake.items.set("/rot/admin", { type: "ROTATED_SECRET", value: { username: "admin", password: "rotated" } });
    kube = new MemoryKubeAccess()
      .setSecret("ns", "ak", { id: "p-123", type: "api_key", key: "the-access-key" })
      .setServiceAccount("ns", "eso");
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "ak", namespace: "ns" };
  });

  const accessKeySpec = () => ({
    akeylessGWApiURL: fake.url,
    authSecretRef: {
      secretRef: {
        accessID: { name: "ak", key: "id" },
        accessType: { name: "ak", key: "type" },
        accessTypeParam: { name: "ak", key: "key" },
      },
    },
  });
  const client = (): Promise<SecretsClient> => akeylessProvider.newClient(accessKeySpec() as any, ctx);

  test("static secrets: latest, numbered version, property, extract", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "/app/db" })).toString(), '{"user":"u2","port":5432}');
    assert.equal((await c.getSecret({ key: "/app/db", version: "1", property: "user" })).toString(), "u1");
    assert.deepEqual(str(await c.getSecretMap({ key: "/app/db" })), { user: "u2", port: "5432" });
    assert.deepEqual(await c.validate(), { ready: true });
  });

  test("dynamic and rotated secrets", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "/dyn/pg", property: "password" })).toString(), "gen");
    assert.deepEqual(str(await c.getSecretMap({ key: "/rot/admin" })), { username: "admin", password: "rotated" });
  });

  test("find by path, regexp and tags", async () => {
    const c = await client();
    assert.deepEqual(Object.keys(await c.getAllSecrets({ path: "/app", name: { regexp: "api$" } })), ["/app/api"]);
    assert.deepEqual(Object.keys(await c.getAllSecrets({ tags: { env: "prod" } })), ["/app/db"]);
    assert.deepEqual(Object.keys(await c.getAllSecrets({ tags: { team: "" } })), ["/app/api"]);
  });

  test("Kubernetes auth sends a TokenRequest ServiceAccount token", async () => {
    fake.k8sAuth = (id, conf, jwt) =>
      id === "p-k8s" && conf === "cluster-a" && kube.verifyToken(jwt)?.sub === "system:serviceaccount:ns:eso";
    const spec = {
      akeylessGWApiURL: fake.url,
      authSecretRef: {
        kubernetesAuth: { accessID: "p-k8s", k8sConfName: "cluster-a", serviceAccountRef: { name: "eso" } },
      },
    };
    const c = await akeylessProvider.newClient(spec as any, ctx);
    assert.equal((await c.getSecret({ key: "/app/api" })).toString(), "api-key");
    const wrong = {
      ...spec,
      authSecretRef: { kubernetesAuth: { ...spec.authSecretRef.kubernetesAuth, k8sConfName: "other" } },
    };
    await assert.rejects(akeylessProvider.newClient(wrong as any, ctx), ProviderAuthError);
  });

  test("push creates then updates a static secret; property merges into JSON; delete", async () => {
    const c = await client();
    const src = { name: "s", namespace: "ns", data: { a: Buffer.from("1"), b: Buffer.from("2") } };
    await c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "/pushed/x" } });
    assert.deepEqual(fake.items.get("/pushed/x")!.versions, ["1"]);
    await c.pushSecret(src, { secretKey: "b", remoteRef: { remoteKey: "/pushed/x" } });
    assert.deepEqual(fake.items.get("/pushed/x")!.versions, ["1", "2"]);
    await c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "/pushed/j", property: "k1" } });
    await c.pushSecret(src, { secretKey: "b", remoteRef: { remoteKey: "/pushed/j", property: "k2" } });
    assert.deepEqual(JSON.parse((await c.getSecret({ key: "/pushed/j" })).toString()), { k1: "1", k2: "2" });
    assert.equal(await c.secretExists({ remoteKey: "/pushed/x" }), true);
    await c.deleteSecret({ remoteKey: "/pushed/x" });
    assert.equal(await c.secretExists({ remoteKey: "/pushed/x" }), false);
  });

  test("not found, bad credentials, throttling, server errors", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "/missing" }),
      (e: Error) => e instanceof NoSecretError && e.message.includes("/missing"),
    );
    await assert.rejects(c.getSecret({ key: "/app/db", property: "nope" }), NoSecretError);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "/app/api" }), ProviderThrottledError);
    fake.faults.push(502);
    await assert.rejects(c.getSecret({ key: "/app/api" }), (e: Error) => /HTTP 502/.test(e.message));
    kube.setSecret("ns", "ak", { id: "p-123", type: "api_key", key: "wrong" });
    await assert.rejects(client(), (e: Error) => e instanceof ProviderAuthError && !e.message.includes("wrong"));
  });

  test("spec validation", () => {
    const errs = akeylessProvider.validate({ authSecretRef: {} } as any, "SecretStore").errors;
    assert.ok(errs.some((e) => e.includes("akeylessGWApiURL")));
    assert.ok(errs.some((e) => e.includes("authSecretRef")));
  });
});
