import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";
import { KubeClient } from "../../src/kube/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { NoSecretError } from "../../src/providers/errors.js";
import { ClusterKubeAccess } from "../../src/providers/kube-access.js";
import { kubernetesProvider } from "../../src/providers/kubernetes/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";

let api: ApiServer;
let admin: KubeClient;
let kube: ClusterKubeAccess;

async function put(path: string, body: unknown): Promise<void> {
  await admin.request({ method: "POST", path, body });
}

function secret(ns: string, name: string, data: Record<string, string>, labels?: Record<string, string>) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: ns, labels },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
  };
}

before(async () => {
  api = await startApiServer();
  admin = new KubeClient({ kubeConfig: api.kubeConfig(), qps: 0 });
  kube = new ClusterKubeAccess(admin);
  for (const ns of ["store-ns", "remote"]) {
    await put("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  }
  await put("/api/v1/namespaces/store-ns/secrets", secret("store-ns", "creds", { token: "any-token" }));
  await put(
    "/api/v1/namespaces/remote/secrets",
    secret("remote", "db", { user: "admin", "conf.json": '{"host":"h"}' }, { team: "a" }),
  );
  await put("/api/v1/namespaces/remote/secrets", secret("remote", "cache", { pw: "x" }, { team: "b" }));
  await put("/api/v1/namespaces/store-ns/serviceaccounts", {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "reader", namespace: "store-ns", annotations: { role: "r" } },
  });
});

after(async () => {
  await api.stop();
});

async function client(auth: Record<string, unknown>): Promise<SecretsClient> {
  const ctx: ProviderContext = {
    kube,
    caches: new ClientCaches(),
    storeKind: "SecretStore",
    storeName: "k8s",
    namespace: "store-ns",
  };
  return kubernetesProvider.newClient(
    { server: { url: api.url }, auth: auth as never, remoteNamespace: "remote" },
    ctx,
  );
}

describe("KubeAccess over the cluster connection", () => {
  it("reads secrets, service accounts and requests tokens", async () => {
    assert.equal((await kube.getSecret("store-ns", "creds"))?.token?.toString(), "any-token");
    assert.equal(await kube.getSecret("store-ns", "absent"), undefined);
    assert.deepEqual(await kube.getServiceAccountAnnotations("store-ns", "reader"), { role: "r" });
    const token = await kube.createServiceAccountToken("store-ns", "reader", ["aud"], 600);
    assert.equal(token.split(".").length, 3);
  });
});

describe("kubernetes provider", () => {
  it("reads a Secret as JSON, a key by property, and maps for extract", async () => {
    const c = await client({ token: { bearerToken: { name: "creds", key: "token" } } });
    assert.deepEqual(JSON.parse((await c.getSecret({ key: "db" })).toString()), {
      "conf.json": '{"host":"h"}',
      user: "admin",
    });
    assert.equal((await c.getSecret({ key: "db", property: "user" })).toString(), "admin");
    assert.equal((await c.getSecret({ key: "db", property: "conf.json" })).toString(), '{"host":"h"}');
    await assert.rejects(c.getSecret({ key: "db", property: "nope" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "absent" }), NoSecretError);
    assert.equal((await c.getSecretMap({ key: "db" })).user?.toString(), "admin");
    const meta = JSON.parse((await c.getSecret({ key: "db", metadataPolicy: "Fetch", property: "labels" })).toString());
    assert.deepEqual(meta, { team: "a" });
    assert.deepEqual((await c.validate()).ready, true);
  });

  it("finds by name regexp and by tags (labels)", async () => {
    const c = await client({ serviceAccount: { name: "reader" } });
    assert.deepEqual(Object.keys(await c.getAllSecrets({ name: { regexp: "^d" } })), ["db"]);
    assert.deepEqual(Object.keys(await c.getAllSecrets({ tags: { team: "b" } })), ["cache"]);
  });

  it("pushes a key, reports it, and deletes it", async () => {
    const c = await client({ token: { bearerToken: { name: "creds", key: "token" } } });
    const source = { name: "src", namespace: "store-ns", data: { k: Buffer.from("pushed") } };
    await c.pushSecret(source, { secretKey: "k", remoteRef: { remoteKey: "pushed", property: "p" } });
    assert.equal((await c.getSecret({ key: "pushed", property: "p" })).toString(), "pushed");
    assert.equal(await c.secretExists({ remoteKey: "pushed", property: "p" }), true);
    await c.deleteSecret({ remoteKey: "pushed", property: "p" });
    assert.equal(await c.secretExists({ remoteKey: "pushed" }), false);
  });

  it("refuses to read credentials from another namespace through a SecretStore", async () => {
    await assert.rejects(
      client({ token: { bearerToken: { name: "creds", key: "token", namespace: "remote" } } }),
      /may not reference another namespace/,
    );
    assert.ok(kubernetesProvider.validate({} as never, "SecretStore").errors.length > 0);
  });
});
