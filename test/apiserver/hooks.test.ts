import assert from "node:assert/strict";
import { createPublicKey, createVerify } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as k8s from "@kubernetes/client-node";
import { type ApiServer, startApiServer } from "../../src/apiserver/index.js";

let server: ApiServer;
let core: k8s.CoreV1Api;

before(async () => {
  server = await startApiServer();
  core = server.kubeConfig().makeApiClient(k8s.CoreV1Api);
});

after(async () => {
  await server.stop();
});

test("failNext fails only matching requests, the given number of times, as Status objects", async () => {
  server.faults.failNext({ verb: "create", resource: "secrets", namespace: "default" }, 2, 500, "etcd is sad");
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "f" } } }),
      (e: any) => {
        assert.equal(e.code, 500);
        const body = JSON.parse(e.body);
        assert.equal(body.kind, "Status");
        assert.equal(body.message, "etcd is sad");
        assert.equal(body.reason, "InternalError");
        return true;
      },
    );
  }
  await core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "unaffected" } } });
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "f" } } });
  server.faults.failNext({ resource: "secrets" }, 1, 429);
  const res = await fetch(`${server.url}/api/v1/namespaces/default/secrets/f`);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "1");
  server.faults.failNext({ verb: "get" }, 5, 503);
  server.faults.clear();
  await core.readNamespacedSecret({ namespace: "default", name: "f" });
});

test("request counters per verb and resource, including subresources, and reset", async () => {
  server.resetCounts();
  await core.listNamespacedSecret({ namespace: "default" });
  await core.listNamespacedSecret({ namespace: "default" });
  await core.readNamespacedSecret({ namespace: "default", name: "f" });
  await core.replaceNamespaceStatus({ name: "default", body: await core.readNamespace({ name: "default" }) });
  assert.deepEqual(server.requestCounts(), {
    "list secrets": 2,
    "get secrets": 1,
    "get namespaces": 1,
    "update namespaces/status": 1,
  });
  server.resetCounts();
  assert.deepEqual(server.requestCounts(), {});
});

test("added latency delays API requests", async () => {
  server.faults.setLatency(150);
  const t = Date.now();
  await core.readNamespacedSecret({ namespace: "default", name: "f" });
  assert.ok(Date.now() - t >= 140);
  server.faults.setLatency(0);
});

test("TokenRequest returns an RS256 JWT verifiable with the issuer's public key", async () => {
  await core.createNamespacedServiceAccount({ namespace: "default", body: { metadata: { name: "eso" } } });
  const tr = await core.createNamespacedServiceAccountToken({
    namespace: "default",
    name: "eso",
    body: { spec: { audiences: ["vault"], expirationSeconds: 900 } },
  });
  const token = tr.status!.token!;
  const [h = "", p = "", s = ""] = token.split(".");
  const ok = createVerify("RSA-SHA256")
    .update(`${h}.${p}`)
    .verify(createPublicKey(server.serviceAccountIssuer.publicKeyPem), Buffer.from(s, "base64url"));
  assert.ok(ok, "signature verifies");
  const claims = JSON.parse(Buffer.from(p, "base64url").toString());
  assert.equal(claims.iss, server.serviceAccountIssuer.issuer);
  assert.equal(claims.sub, "system:serviceaccount:default:eso");
  assert.deepEqual(claims.aud, ["vault"]);
  assert.equal(claims.exp - claims.iat, 900);
  assert.equal(claims["kubernetes.io"].namespace, "default");
  assert.equal(claims["kubernetes.io"].serviceaccount.name, "eso");
  const jwks = (await (await fetch(`${server.url}/openid/v1/jwks`)).json()) as { keys: { kid: string }[] };
  assert.equal(jwks.keys[0]!.kid, JSON.parse(Buffer.from(h, "base64url").toString()).kid);
  await assert.rejects(
    core.createNamespacedServiceAccountToken({
      namespace: "default",
      name: "missing",
      body: { spec: { audiences: [] } },
    }),
    (e: any) => e.code === 404,
  );
  await assert.rejects(
    core.createNamespacedServiceAccountToken({
      namespace: "default",
      name: "eso",
      body: { spec: { audiences: [], expirationSeconds: 60 } },
    }),
    (e: any) => e.code === 422,
  );
});

test("--data-dir: state and signing key survive a restart; resourceVersions keep increasing", async () => {
  const dir = await mkdtemp(join(tmpdir(), "eso-apiserver-data-"));
  try {
    const first = await startApiServer({ dataDir: dir });
    const c1 = first.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const s = await c1.createNamespacedSecret({
      namespace: "default",
      body: { metadata: { name: "kept" }, stringData: { a: "b" } },
    });
    const key = first.serviceAccountIssuer.publicKeyPem;
    await first.stop();
    assert.ok(JSON.parse(await readFile(join(dir, "state.json"), "utf8")).objects.length > 0);
    const second = await startApiServer({ dataDir: dir });
    try {
      const c2 = second.kubeConfig().makeApiClient(k8s.CoreV1Api);
      const back = await c2.readNamespacedSecret({ namespace: "default", name: "kept" });
      assert.equal(back.metadata!.uid, s.metadata!.uid);
      assert.deepEqual(back.data, s.data);
      assert.equal(second.serviceAccountIssuer.publicKeyPem, key);
      const next = await c2.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "after" } } });
      assert.ok(Number(next.metadata!.resourceVersion) > Number(s.metadata!.resourceVersion));
    } finally {
      await second.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
