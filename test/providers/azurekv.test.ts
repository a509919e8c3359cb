import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { azureKVProvider } from "../../src/providers/azurekv/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { type AzureKVFake, selfSignedCert, startAzureKVFake } from "../fakes/azurekv-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
const ENV = ["ESO_AZURE_CA_BUNDLE", "AZURE_AUTHORITY_HOST", "AZURE_POD_IDENTITY_AUTHORITY_HOST"] as const;

describe("azurekv provider (@azure/keyvault-* with @azure/identity)", () => {
  let fake: AzureKVFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const clientCert = selfSignedCert("eso-client", []);

  before(async () => {
    fake = await startAzureKVFake("tenant-1");
    dir = mkdtempSync(join(tmpdir(), "azurekv-"));
    writeFileSync(join(dir, "ca.pem"), fake.caPem);
    for (const k of ENV) saved[k] = process.env[k];
    process.env.ESO_AZURE_CA_BUNDLE = join(dir, "ca.pem");
    process.env.AZURE_AUTHORITY_HOST = fake.url;
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = fake.imdsUrl;
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.secrets.clear();
    fake.clients.clear();
    fake.managedIdentities.clear();
    fake.clients.set("sp-client", { secret: "sp-secret" });
    fake.clients.set("cert-client", { certificatePem: clientCert.certPem });
    fake.managedIdentities.add("client-id-of-managed-identity");
    fake.setSecret("database-connection-string", "Server=db;Password=v1", { env: "prod" });
    fake.setSecret("database-connection-string", "Server=db;Password=v2", { env: "prod", team: "a" });
    fake.setSecret("json-secret", '{"user":"admin","nested":{"port":5432}}', { team: "a" });
    fake.setSecret("other", "x", { team: "b" });
    fake.keys.set("rsa-key", { jwk: { kty: "RSA", key_ops: ["sign"], n: "AQAB-n", e: "AQAB" }, tags: {} });
    fake.certificates.set("tls", { derBase64: Buffer.from("der-bytes").toString("base64"), tags: {} });
    kube = new MemoryKubeAccess()
      .setSecret("ns", "azure-sp", {
        "client-id": "sp-client",
        "client-secret": "sp-secret",
        "cert-client-id": "cert-client",
        "client-cert": clientCert.certPem + clientCert.keyPem,
      })
      .setServiceAccount("ns", "wi-sa", {
        "azure.workload.identity/client-id": "wi-client",
        "azure.workload.identity/tenant-id": "tenant-1",
      });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "azure", namespace: "ns" };
  });

  const spSpec = (extra: Record<string, unknown> = {}) => ({
    vaultUrl: fake.url,
    tenantId: "tenant-1",
    authSecretRef: {
      clientId: { name: "azure-sp", key: "client-id" },
      clientSecret: { name: "azure-sp", key: "client-secret" },
    },
    ...extra,
  });
  const client = (spec: unknown): Promise<SecretsClient> => azureKVProvider.newClient(spec as any, ctx);

  test("ServicePrincipal with a client secret: secrets, versions, properties, tags, keys and certificates", async () => {
    const c = await client(spSpec());
    assert.equal((await c.getSecret({ key: "database-connection-string" })).toString(), "Server=db;Password=v2");
    const v1 = fake.secrets.get("database-connection-string")!.versions[0]!.id;
    assert.equal(
      (await c.getSecret({ key: "database-connection-string", version: v1 })).toString(),
      "Server=db;Password=v1",
    );
    assert.equal((await c.getSecret({ key: "secret/json-secret", property: "nested.port" })).toString(), "5432");
    assert.deepEqual(str(await c.getSecretMap({ key: "json-secret" })), { user: "admin", nested: '{"port":5432}' });
    assert.deepEqual(
      JSON.parse((await c.getSecret({ key: "database-connection-string", metadataPolicy: "Fetch" })).toString()),
      {
        env: "prod",
        team: "a",
      },
    );
    assert.equal(
      (await c.getSecret({ key: "json-secret", metadataPolicy: "Fetch", property: "team" })).toString(),
      "a",
    );
    const jwk = JSON.parse((await c.getSecret({ key: "key/rsa-key" })).toString());
    assert.equal(jwk.kty, "RSA");
    assert.equal(jwk.e, "AQAB");
    assert.deepEqual(jwk.key_ops, ["sign"]);
    assert.equal((await c.getSecret({ key: "cert/tls" })).toString(), "der-bytes");
    assert.deepEqual(await c.validate(), { ready: true });
  });

  test("ServicePrincipal with a client certificate", async () => {
    const spec = spSpec({
      authSecretRef: {
        clientId: { name: "azure-sp", key: "cert-client-id" },
        clientCertificate: { name: "azure-sp", key: "client-cert" },
      },
    });
    const c = await client(spec);
    assert.equal((await c.getSecret({ key: "other" })).toString(), "x");
  });

  test("seed manifest: ManagedIdentity with identityId through IMDS", async () => {
    const c = await client({
      vaultUrl: fake.url,
      authType: "ManagedIdentity",
      identityId: "client-id-of-managed-identity",
    });
    assert.equal((await c.getSecret({ key: "database-connection-string" })).toString(), "Server=db;Password=v2");
    const unknown = await client({ vaultUrl: fake.url, authType: "ManagedIdentity", identityId: "someone-else" });
    await assert.rejects(unknown.getSecret({ key: "other" }), ProviderAuthError);
  });

  test("WorkloadIdentity exchanges a TokenRequest token as a federated assertion", async () => {
    fake.clients.set("wi-client", {
      federated: (assertion) => {
        const claims = kube.verifyToken(assertion);
        return claims?.sub === "system:serviceaccount:ns:wi-sa" && claims.aud.includes("api://AzureADTokenExchange");
      },
    });
    const c = await client({ vaultUrl: fake.url, authType: "WorkloadIdentity", serviceAccountRef: { name: "wi-sa" } });
    assert.equal((await c.getSecret({ key: "other" })).toString(), "x");
  });

  test("WorkloadIdentity without serviceAccountRef uses the operator pod's own federated token", async () => {
    const own = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE"] as const;
    const before = Object.fromEntries(own.map((k) => [k, process.env[k]]));
    const tokenFile = join(dir, "azure-identity-token");
    writeFileSync(tokenFile, "own-pod-token\n");
    process.env.AZURE_CLIENT_ID = "pod-client";
    process.env.AZURE_TENANT_ID = "tenant-1";
    process.env.AZURE_FEDERATED_TOKEN_FILE = tokenFile;
    const assertions: string[] = [];
    fake.clients.set("pod-client", {
      federated: (assertion) => {
        assertions.push(assertion);
        return assertion === "own-pod-token";
      },
    });
    const spec = { vaultUrl: fake.url, authType: "WorkloadIdentity" };
    try {
      for (const storeKind of ["ClusterSecretStore", "SecretStore"] as const) {
        assert.deepEqual(azureKVProvider.validate(spec as any, storeKind).errors, []);
        const c = await azureKVProvider.newClient(spec as any, { ...ctx, storeKind, storeName: `own-${storeKind}` });
        assert.equal((await c.getSecret({ key: "other" })).toString(), "x");
      }
      assert.ok(assertions.length > 0 && assertions.every((a) => a === "own-pod-token"));
      assert.equal(kube.issued.length, 0, "no TokenRequest: the pod's own token is used");

      configureTenantPolicy({ refuseAmbientCredentials: true });
      assert.match(
        azureKVProvider.validate(spec as any, "SecretStore").errors.join(),
        /spec\.provider\.azurekv\.serviceAccountRef: is required for WorkloadIdentity in a SecretStore/,
      );
      assert.deepEqual(azureKVProvider.validate(spec as any, "ClusterSecretStore").errors, []);
      await assert.rejects(
        azureKVProvider.newClient(spec as any, { ...ctx, storeName: "refused" }),
        (e: Error) => e instanceof StoreConfigError && /refuse-ambient-credentials/.test(e.message),
      );
      const cluster = await azureKVProvider.newClient(spec as any, {
        ...ctx,
        storeKind: "ClusterSecretStore",
        storeName: "cluster-refused-policy",
      });
      assert.equal((await cluster.getSecret({ key: "other" })).toString(), "x");

      configureTenantPolicy();
      delete process.env.AZURE_FEDERATED_TOKEN_FILE;
      await assert.rejects(
        azureKVProvider.newClient(spec as any, { ...ctx, storeName: "no-token-file" }),
        (e: Error) => e instanceof StoreConfigError && /AZURE_FEDERATED_TOKEN_FILE is not set/.test(e.message),
      );
    } finally {
      configureTenantPolicy();
      for (const k of own) {
        if (before[k] === undefined) delete process.env[k];
        else process.env[k] = before[k];
      }
    }
  });

  test("find by name regexp and tags", async () => {
    const c = await client(spSpec());
    assert.deepEqual(Object.keys(await c.getAllSecrets({ tags: { team: "a" } })).sort(), [
      "database-connection-string",
      "json-secret",
    ]);
    assert.deepEqual(str(await c.getAllSecrets({ name: { regexp: "^oth" } })), { other: "x" });
  });

  test("push sets a managed secret, merges properties, refuses unmanaged ones; delete", async () => {
    const c = await client(spSpec());
    const src = { name: "s", namespace: "ns", data: { a: Buffer.from("1"), b: Buffer.from("2") } };
    await c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "pushed" } });
    assert.equal(fake.secrets.get("pushed")!.versions.at(-1)!.tags["managed-by"], "external-secrets");
    await c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "pushed" } });
    assert.equal(fake.secrets.get("pushed")!.versions.length, 1);
    await c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "pj", property: "x" } });
    await c.pushSecret(src, { secretKey: "b", remoteRef: { remoteKey: "pj", property: "y" } });
    assert.deepEqual(JSON.parse((await c.getSecret({ key: "pj" })).toString()), { x: "1", y: "2" });
    await assert.rejects(c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "other" } }), StoreConfigError);
    assert.equal(await c.secretExists({ remoteKey: "pushed" }), true);
    await c.deleteSecret({ remoteKey: "pushed" });
    assert.equal(await c.secretExists({ remoteKey: "pushed" }), false);
    await c.deleteSecret({ remoteKey: "other" });
    assert.ok(fake.secrets.has("other"), "unmanaged secrets are not deleted");
  });

  test("not found, bad credentials, throttling and server errors", async () => {
    const c = await client(spSpec());
    await assert.rejects(
      c.getSecret({ key: "missing" }),
      (e: Error) => e instanceof NoSecretError && e.message.includes('"missing"'),
    );
    await assert.rejects(c.getSecret({ key: "key/missing" }), NoSecretError);
    await assert.rejects(c.getSecret({ key: "json-secret", property: "nope" }), NoSecretError);
    fake.faults.push(429, 429, 429, 429);
    await assert.rejects(c.getSecret({ key: "other" }), ProviderThrottledError);
    fake.faults.push(503, 503, 503, 503);
    await assert.rejects(c.getSecret({ key: "other" }), (e: Error) => /HTTP 503/.test(e.message));
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "other" }), ProviderAuthError);
    kube.setSecret("ns", "azure-sp", { "client-id": "sp-client", "client-secret": "wrong-secret" });
    const bad = await client(spSpec());
    await assert.rejects(
      bad.getSecret({ key: "other" }),
      (e: Error) => e instanceof ProviderAuthError && !e.message.includes("wrong-secret"),
    );
    assert.equal((await bad.validate()).ready, false);
  });

  test("spec validation and cloud selection", () => {
    const errs = azureKVProvider.validate({ vaultUrl: "not a url" } as any, "SecretStore").errors;
    assert.ok(errs.some((e) => e.includes("vaultUrl")));
    assert.ok(errs.some((e) => e.includes("clientId")));
    assert.deepEqual(
      azureKVProvider.validate(
        { vaultUrl: "https://v.vault.azure.net", authType: "ManagedIdentity" } as any,
        "SecretStore",
      ).errors,
      [],
    );
    const stack = azureKVProvider.validate(
      { vaultUrl: "https://v", authType: "ManagedIdentity", environmentType: "AzureStackCloud" } as any,
      "SecretStore",
    ).errors;
    assert.ok(stack.some((e) => e.includes("customCloudConfig")));
  });
});
