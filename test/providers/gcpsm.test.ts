import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { gcpSMProvider } from "../../src/providers/gcpsm/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { type GcpFake, pointGoogleClientsAt, startGcpFake } from "../fakes/gcpsm-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("gcpsm provider (@google-cloud/secret-manager REST transport)", () => {
  let fake: GcpFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let saKey: string;
  let restoreEnv: () => void;

  before(async () => {
    fake = await startGcpFake();
    restoreEnv = pointGoogleClientsAt(fake.url);
    saKey = fake.newServiceAccountKey("eso@my-gcp-project-123.iam.gserviceaccount.com");
  });
  after(async () => {
    restoreEnv();
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.secrets.clear();
    fake.addSecret("projects/my-gcp-project-123/secrets/api-key", ["v1", "v2"], { team: "a" }, { owner: "ops" });
    fake.addSecret("projects/my-gcp-project-123/secrets/db", ['{"user":"admin","nested":{"port":5432}}'], {
      team: "a",
      env: "prod",
    });
    fake.addSecret("projects/my-gcp-project-123/secrets/other", ["o"], { team: "b" });
    fake.addSecret("projects/my-gcp-project/secrets/api-key", ["seed-value"]);
    fake.addSecret("projects/my-gcp-project-123/locations/europe-west1/secrets/regional", ["eu"]);
    kube = new MemoryKubeAccess()
      .setSecret("external-secrets", "gcp-sa-credentials", { "sa-key.json": saKey })
      .setServiceAccount("team", "external-secrets-sa");
    ctx = {
      kube,
      caches: new ClientCaches(),
      storeKind: "ClusterSecretStore",
      storeName: "gcp-secretmanager",
      namespace: "team",
    };
  });

  // The seed's ClusterSecretStore, verbatim apart from nothing: secretRef to an SA key in another namespace.
  const seedSecretRef = {
    projectID: "my-gcp-project-123",
    auth: {
      secretRef: {
        secretAccessKeySecretRef: { name: "gcp-sa-credentials", key: "sa-key.json", namespace: "external-secrets" },
      },
    },
  };
  const client = (spec: unknown = seedSecretRef): Promise<SecretsClient> => gcpSMProvider.newClient(spec as any, ctx);

  test("seed secretRef store: SA key JWT grant; latest, numbered versions, property, extract", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "api-key" })).toString(), "v2");
    assert.equal((await c.getSecret({ key: "api-key", version: "1" })).toString(), "v1");
    assert.equal((await c.getSecret({ key: "db", property: "nested.port" })).toString(), "5432");
    assert.deepEqual(str(await c.getSecretMap({ key: "db" })), { user: "admin", nested: '{"port":5432}' });
    assert.deepEqual(await c.validate(), { ready: true });
    assert.ok(fake.tokenKinds.includes("jwt"));
  });

  test("seed workloadIdentity store: TokenRequest token exchanged at STS, optional impersonation", async () => {
    const pool = "my-gcp-project.svc.id.goog";
    const provider =
      "https://container.googleapis.com/v1/projects/my-gcp-project/locations/us-central1/clusters/my-cluster";
    fake.sts = (audience, token) => {
      const claims = kube.verifyToken(token);
      return audience === `identitynamespace:${pool}:${provider}` && claims?.aud.includes(pool) === true;
    };
    const spec = {
      projectID: "my-gcp-project",
      auth: {
        workloadIdentity: {
          clusterLocation: "us-central1",
          clusterName: "my-cluster",
          serviceAccountRef: { name: "external-secrets-sa" },
        },
      },
    };
    ctx = { ...ctx, storeKind: "SecretStore" };
    const c = await client(spec);
    assert.equal((await c.getSecret({ key: "api-key", version: "latest" })).toString(), "seed-value");
    assert.equal(fake.tokenKinds.at(-1), "sts");

    kube.setServiceAccount("team", "external-secrets-sa", {
      "iam.gke.io/gcp-service-account": "gsa@my-gcp-project.iam.gserviceaccount.com",
    });
    fake.impersonable.add("gsa@my-gcp-project.iam.gserviceaccount.com");
    const impersonating = await client(spec);
    assert.equal((await impersonating.getSecret({ key: "api-key" })).toString(), "seed-value");
    assert.equal(fake.tokenKinds.at(-1), "impersonate:gsa@my-gcp-project.iam.gserviceaccount.com");

    fake.sts = () => false;
    const denied = await client(spec);
    await assert.rejects(denied.getSecret({ key: "api-key" }), ProviderAuthError);
  });

  test("default credentials from the metadata server; regional secrets", async () => {
    fake.metadataToken = true;
    const c = await client({ projectID: "my-gcp-project-123", location: "europe-west1" });
    assert.equal((await c.getSecret({ key: "regional" })).toString(), "eu");
    assert.equal(fake.tokenKinds.at(-1), "metadata");
    fake.metadataToken = false;
  });

  test("metadataPolicy Fetch returns labels and annotations", async () => {
    const c = await client();
    assert.deepEqual(JSON.parse((await c.getSecret({ key: "api-key", metadataPolicy: "Fetch" })).toString()), {
      annotations: { owner: "ops" },
      labels: { team: "a" },
    });
    assert.equal(
      (await c.getSecret({ key: "api-key", metadataPolicy: "Fetch", property: "labels.team" })).toString(),
      "a",
    );
    assert.equal(
      (await c.getSecret({ key: "api-key", metadataPolicy: "Fetch", property: "annotations.owner" })).toString(),
      "ops",
    );
    await assert.rejects(
      c.getSecret({ key: "api-key", metadataPolicy: "Fetch", property: "labels.nope" }),
      NoSecretError,
    );
  });

  test("find by name regexp and labels (paginated list)", async () => {
    const c = await client();
    assert.deepEqual(str(await c.getAllSecrets({ tags: { team: "a" } })), {
      "api-key": "v2",
      db: '{"user":"admin","nested":{"port":5432}}',
    });
    assert.deepEqual(str(await c.getAllSecrets({ name: { regexp: "^oth" } })), { other: "o" });
  });

  test("latest version disabled: LatestOrFail fails, LatestOrFetch falls back to the newest enabled", async () => {
    fake.secrets.get("projects/my-gcp-project-123/secrets/api-key")!.versions[1]!.state = "DISABLED";
    await assert.rejects((await client()).getSecret({ key: "api-key" }), /failed precondition/);
    const c = await client({ ...seedSecretRef, secretVersionSelectionPolicy: "LatestOrFetch" });
    assert.equal((await c.getSecret({ key: "api-key" })).toString(), "v1");
  });

  test("push creates a managed secret and adds versions; refuses unmanaged; delete", async () => {
    const c = await client();
    const src = { name: "s", namespace: "team", data: { a: Buffer.from("1"), b: Buffer.from("2") } };
    await c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "pushed" } });
    const pushed = fake.secrets.get("projects/my-gcp-project-123/secrets/pushed")!;
    assert.equal(pushed.labels["managed-by"], "external-secrets");
    assert.equal(pushed.versions.length, 1);
    await c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "pushed" } });
    assert.equal(pushed.versions.length, 1, "unchanged value adds no version");
    await assert.rejects(
      c.pushSecret(src, { secretKey: "b", remoteRef: { remoteKey: "pushed", property: "k" } }),
      StoreConfigError,
    );
    await c.pushSecret(src, { secretKey: "b", remoteRef: { remoteKey: "pushed" } });
    assert.equal((await c.getSecret({ key: "pushed" })).toString(), "2");
    await c.pushSecret(src, { secretKey: "b", remoteRef: { remoteKey: "pj", property: "x" } });
    await c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "pj", property: "y" } });
    assert.deepEqual(JSON.parse((await c.getSecret({ key: "pj" })).toString()), { x: "2", y: "1" });
    await assert.rejects(c.pushSecret(src, { secretKey: "a", remoteRef: { remoteKey: "other" } }), StoreConfigError);
    assert.equal(await c.secretExists({ remoteKey: "pushed" }), true);
    await c.deleteSecret({ remoteKey: "pushed" });
    assert.equal(await c.secretExists({ remoteKey: "pushed" }), false);
    await c.deleteSecret({ remoteKey: "other" });
    assert.ok(fake.secrets.has("projects/my-gcp-project-123/secrets/other"), "unmanaged secrets are kept");
  });

  test("not found, bad key, throttling, server errors", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "missing" }),
      (e: Error) => e instanceof NoSecretError && e.message.includes('"missing"'),
    );
    await assert.rejects(c.getSecret({ key: "db", property: "nope" }), NoSecretError);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "api-key" }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: "api-key" }), (e: Error) => e.message.includes("injected 503"));
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: "api-key" }), ProviderAuthError);
    const otherKey = JSON.parse(saKey);
    otherKey.client_email = "unknown@example.iam.gserviceaccount.com";
    kube.setSecret("external-secrets", "gcp-sa-credentials", { "sa-key.json": JSON.stringify(otherKey) });
    const bad = await client();
    await assert.rejects(
      bad.getSecret({ key: "api-key" }),
      (e: Error) => e instanceof ProviderAuthError && !e.message.includes("PRIVATE KEY"),
    );
    kube.setSecret("external-secrets", "gcp-sa-credentials", { "sa-key.json": "not json" });
    await assert.rejects(client(), StoreConfigError);
  });

  test("spec validation", () => {
    const errs = gcpSMProvider.validate(
      { auth: { secretRef: { secretAccessKeySecretRef: { name: "x", key: "k" } } } } as any,
      "ClusterSecretStore",
    ).errors;
    assert.ok(errs.some((e) => e.includes("projectID")));
    assert.ok(errs.some((e) => e.includes("namespace")));
  });
});
