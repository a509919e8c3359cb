/**
 * PushSecret and ClusterPushSecret end to end: the controllers run against the in-process API server and
 * push to the fake provider, the loopback Vault and the loopback AWS Secrets Manager.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { CLUSTER_PUSH_SECRETS, GENERATOR_STATES, PUSH_SECRETS } from "../../src/kube/index.js";
import { TAGGING_ENDPOINT_ENV } from "../../src/providers/aws/acm-tagging.js";
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { storeTable } from "../../src/providers/fake/state.js";
import { FakeAws } from "../fakes/aws-server.js";
import { selfSignedCert } from "../fakes/azurekv-server.js";
import { FakeVault } from "../fakes/vault-server.js";
import { eventually } from "../support/poll.js";
import {
  CLUSTER_SECRET_STORES,
  createNamespace,
  fakeStore,
  NAMESPACES,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  setEnv,
  useHarness,
  vaultTokenStoreManifest,
} from "../support/world.js";

let vault: FakeVault;
let aws: FakeAws;
let restoreEnv: () => void;

const EVENTS = { group: "", version: "v1", plural: "events", namespaced: true };

function pushSecret(name: string, namespace: string, spec: Record<string, unknown>) {
  return { apiVersion: "external-secrets.io/v1alpha1", kind: "PushSecret", metadata: { name, namespace }, spec };
}

/** The value the fake provider holds for a pushed key (undefined when absent). */
function fakeValue(storeId: string, key: string): string | undefined {
  return storeTable(storeId).get(key)?.value;
}

/** Read-modify-write that retries when the controller wrote the object in between. */
async function updatePushSecret(namespace: string, name: string, mutate: (o: any) => void) {
  for (let i = 0; ; i++) {
    const o = await h.client.get(PUSH_SECRETS, namespace, name);
    mutate(o);
    try {
      return await h.client.update(PUSH_SECRETS, o);
    } catch (err) {
      if ((err as { code?: number }).code !== 409 || i >= 10) throw err;
    }
  }
}

async function setSecretValue(namespace: string, name: string, key: string, value: string) {
  const s = await h.client.get(SECRETS, namespace, name);
  s.data[key] = Buffer.from(value).toString("base64");
  await h.client.update(SECRETS, s);
}

before(async () => {
  vault = await new FakeVault().start();
  vault
    .addToken("vault-root")
    .mountKv("secret", 2)
    .mountDatabase("database", { app: { ttl: 600 } });
  aws = await new FakeAws("us-east-1").start();
  aws.addAccessKey("AKIDPUSH", "push-secret-key");
  restoreEnv = setEnv({
    [ENDPOINT_ENV.secretsmanager]: aws.url,
    [ENDPOINT_ENV.acm]: aws.url,
    [TAGGING_ENDPOINT_ENV]: aws.url,
  });
});

const h = useHarness({}, async (h) => {
  for (const ns of ["app", "other"]) await createNamespace(h, ns);
  await h.client.create(SECRET_STORES, fakeStore("fake", "app", [{ key: "preexisting", value: "from-the-store" }], {}));
  const labelled = fakeStore("labelled", "app", []);
  (labelled.metadata as Record<string, unknown>).labels = { push: "enabled" };
  await h.client.create(SECRET_STORES, labelled);
  await h.client.create(SECRETS, secretManifest("app", "db", { user: "admin", password: "p1" }));
  await h.client.create(SECRETS, secretManifest("app", "creds", { token: "t1" }));
  await h.client.create(SECRETS, secretManifest("app", "vault-token", { token: "vault-root" }));
  await h.client.create(SECRETS, secretManifest("app", "aws", { id: "AKIDPUSH", secret: "push-secret-key" }));
  await h.client.create(SECRET_STORES, vaultTokenStoreManifest("app", vault.url));
  await h.client.create(SECRET_STORES, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "aws", namespace: "app" },
    spec: {
      provider: {
        aws: {
          service: "SecretsManager",
          region: "us-east-1",
          auth: {
            secretRef: {
              accessKeyIDSecretRef: { name: "aws", key: "id" },
              secretAccessKeySecretRef: { name: "aws", key: "secret" },
            },
          },
        },
      },
    },
  });
});

after(async () => {
  await vault.stop();
  await aws.stop();
  restoreEnv();
});

const ready = (ns: string, name: string) => readyCondition(h, PUSH_SECRETS, ns, name);

describe("PushSecret to the fake provider", () => {
  it("pushes a key, records status and an event, and re-pushes when the Secret changes", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-db", "app", {
        secretStoreRefs: [{ name: "fake", kind: "SecretStore" }],
        selector: { secret: { name: "db" } },
        data: [
          { match: { secretKey: "password", remoteRef: { remoteKey: "db-password" } } },
          { match: { remoteRef: { remoteKey: "db-all" } } },
        ],
      }),
    );
    await eventually(async () => fakeValue("app/fake", "db-password") === "p1", { timeoutMs: 15_000, what: "pushed" });
    assert.deepEqual(JSON.parse(fakeValue("app/fake", "db-all")!), { user: "admin", password: "p1" });
    const cond = await eventually(async () => {
      const c = await ready("app", "push-db");
      return c?.status === "True" ? c : undefined;
    });
    assert.equal(cond.reason, "Synced");
    assert.equal(cond.message, "PushSecret synced successfully");
    const ps = await h.client.get(PUSH_SECRETS, "app", "push-db");
    assert.deepEqual(Object.keys(ps.status.syncedPushSecrets["SecretStore/fake"]).sort(), ["db-all", "db-password"]);
    assert.ok(ps.status.refreshTime);
    const events = await h.client.list(EVENTS as never, "app");
    assert.ok(events.some((e: any) => e.involvedObject?.name === "push-db" && e.reason === "Synced"));

    await setSecretValue("app", "db", "password", "p2");
    await eventually(async () => fakeValue("app/fake", "db-password") === "p2", {
      timeoutMs: 15_000,
      what: "source change pushed",
    });
    // Nothing about the values reaches status or events.
    const after = JSON.stringify([
      await h.client.get(PUSH_SECRETS, "app", "push-db"),
      await h.client.list(EVENTS as never, "app"),
    ]);
    assert.ok(!after.includes("p2") && !after.includes("admin"));
  });

  it("updatePolicy IfNotExists never overwrites an existing remote secret", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-once", "app", {
        updatePolicy: "IfNotExists",
        secretStoreRefs: [{ name: "fake" }],
        selector: { secret: { name: "creds" } },
        data: [
          { match: { secretKey: "token", remoteRef: { remoteKey: "preexisting" } } },
          { match: { secretKey: "token", remoteRef: { remoteKey: "token-once" } } },
        ],
      }),
    );
    await eventually(async () => fakeValue("app/fake", "token-once") === "t1", {
      timeoutMs: 15_000,
      what: "new key created",
    });
    const cond = await eventually(async () => {
      const c = await ready("app", "push-once");
      return c?.status === "True" ? c : undefined;
    });
    assert.match(cond.message!, /Existing secrets in providers unchanged/);
    assert.equal(fakeValue("app/fake", "preexisting"), "from-the-store");

    // The changed Secret is synced again (a later refreshTime), yet the remote value stays.
    const refreshed = (await h.client.get(PUSH_SECRETS, "app", "push-once")).status.refreshTime;
    // Real time: refreshTime has one-second resolution, so the next sync must land in a later second.
    await new Promise((r) => setTimeout(r, 1100));
    await setSecretValue("app", "creds", "token", "t2");
    await eventually(
      async () => (await h.client.get(PUSH_SECRETS, "app", "push-once")).status.refreshTime !== refreshed,
      { timeoutMs: 15_000, what: "re-synced after the Secret changed" },
    );
    assert.equal(fakeValue("app/fake", "token-once"), "t1", "existing value kept");
    assert.equal(fakeValue("app/fake", "preexisting"), "from-the-store");
  });

  it("deletionPolicy Delete removes a dropped entry and, on deletion, every pushed key", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-delete", "app", {
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "fake" }],
        selector: { secret: { name: "db" } },
        data: [
          { match: { secretKey: "user", remoteRef: { remoteKey: "del-user" } } },
          { match: { secretKey: "password", remoteRef: { remoteKey: "del-password" } } },
        ],
      }),
    );
    await eventually(async () => fakeValue("app/fake", "del-password") !== undefined, {
      timeoutMs: 15_000,
      what: "pushed",
    });
    const ps = await h.client.get(PUSH_SECRETS, "app", "push-delete");
    assert.ok(ps.metadata.finalizers.includes("pushsecret.externalsecrets.io/finalizer"));

    await updatePushSecret("app", "push-delete", (o) => {
      o.spec.data = o.spec.data.filter((d: any) => d.match.remoteRef.remoteKey !== "del-user");
    });
    await eventually(async () => fakeValue("app/fake", "del-user") === undefined, {
      timeoutMs: 15_000,
      what: "dropped entry removed",
    });
    assert.ok(fakeValue("app/fake", "del-password") !== undefined);

    await h.client.delete(PUSH_SECRETS, "app", "push-delete");
    await eventually(async () => fakeValue("app/fake", "del-password") === undefined, {
      timeoutMs: 15_000,
      what: "remote key deleted",
    });
    await eventually(async () => !(await h.client.get(PUSH_SECRETS, "app", "push-delete")), {
      timeoutMs: 15_000,
      what: "PushSecret gone",
    });
  });

  it("deletionPolicy None leaves pushed keys behind", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-keep", "app", {
        secretStoreRefs: [{ name: "fake" }],
        selector: { secret: { name: "creds" } },
        data: [{ match: { secretKey: "token", remoteRef: { remoteKey: "kept" } } }],
      }),
    );
    await eventually(async () => fakeValue("app/fake", "kept") !== undefined, { timeoutMs: 15_000, what: "pushed" });
    await h.client.delete(PUSH_SECRETS, "app", "push-keep");
    await eventually(async () => !(await h.client.get(PUSH_SECRETS, "app", "push-keep")), {
      timeoutMs: 15_000,
      what: "gone",
    });
    assert.ok(fakeValue("app/fake", "kept") !== undefined);
  });

  it("selects stores and Secrets by label, and pushes a generated password", async () => {
    await h.client.create(SECRETS, secretManifest("app", "l1", { a: "1" }, { pushme: "yes" }));
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-labels", "app", {
        secretStoreRefs: [{ labelSelector: { matchLabels: { push: "enabled" } } }],
        selector: { secret: { selector: { matchLabels: { pushme: "yes" } } } },
        data: [{ match: { secretKey: "a", remoteRef: { remoteKey: "from-label" } } }],
      }),
    );
    await eventually(async () => fakeValue("app/labelled", "from-label") === "1", {
      timeoutMs: 15_000,
      what: "label push",
    }).catch(async (err) => {
      const st = (await h.client.get(PUSH_SECRETS, "app", "push-labels")).status;
      throw new Error(`${err.message}; status: ${JSON.stringify(st)}`);
    });
    assert.equal(fakeValue("app/fake", "from-label"), undefined, "unlabelled store untouched");

    await h.client.create(GENERATOR("passwords"), {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "Password",
      metadata: { name: "pw", namespace: "app" },
      spec: { length: 32, symbols: 0 },
    });
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-generated", "app", {
        refreshInterval: "1s",
        secretStoreRefs: [{ name: "fake" }],
        selector: {
          generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password", name: "pw" },
        },
        data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "generated" } } }],
      }),
    );
    const first = await eventually(async () => fakeValue("app/fake", "generated"), {
      timeoutMs: 15_000,
      what: "generated pushed",
    });
    assert.match(first, /^[A-Za-z0-9]{32}$/);
    await eventually(async () => fakeValue("app/fake", "generated") !== first, {
      timeoutMs: 15_000,
      what: "rotated on refresh",
    });
  });
});

const GENERATOR = (plural: string) => ({
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural,
  namespaced: plural !== "clustergenerators",
});

describe("PushSecret shaping the pushed data", () => {
  it("applies the template, ReverseUnicode key conversion and dataTo with rewrite", async () => {
    await h.client.create(
      SECRETS,
      secretManifest("app", "shaped", { api_U002e_key: "k1", "db-user": "u1", other: "o" }),
    );
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-shaped", "app", {
        secretStoreRefs: [{ name: "labelled" }],
        selector: { secret: { name: "shaped" } },
        template: { mergePolicy: "Merge", data: { greeting: 'user={{ index . "db-user" | upper }}' } },
        data: [
          { match: { secretKey: "greeting", remoteRef: { remoteKey: "templated" } } },
          {
            conversionStrategy: "ReverseUnicode",
            match: { secretKey: "api.key", remoteRef: { remoteKey: "api-key" } },
          },
        ],
        dataTo: [{ match: { regexp: "^db-" }, rewrite: [{ regexp: { source: "^db-", target: "database/" } }] }],
      }),
    );
    await eventually(async () => fakeValue("app/labelled", "templated") === "user=U1", {
      timeoutMs: 15_000,
      what: "templated",
    });
    assert.equal(fakeValue("app/labelled", "api-key"), "k1");
    assert.equal(fakeValue("app/labelled", "database/user"), "u1");
    assert.equal(fakeValue("app/labelled", "other"), undefined, "dataTo pushes only matching keys");
    await eventually(async () => (await ready("app", "push-shaped"))?.status === "True");
    const ps = await h.client.get(PUSH_SECRETS, "app", "push-shaped");
    assert.deepEqual(Object.keys(ps.status.syncedPushSecrets["SecretStore/labelled"]).sort(), [
      "api-key",
      "database/user",
      "templated",
    ]);
  });

  it("a missing key is a clear error naming the entry, and nothing is pushed", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-missing-key", "app", {
        secretStoreRefs: [{ name: "labelled" }],
        selector: { secret: { name: "creds" } },
        data: [{ match: { secretKey: "nope", remoteRef: { remoteKey: "never" } } }],
      }),
    );
    const cond = await eventually(async () => {
      const c = await ready("app", "push-missing-key");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /spec\.data\[0\]\.match\.secretKey: key "nope" does not exist/);
    assert.equal(fakeValue("app/labelled", "never"), undefined);
  });
});

describe("PushSecret never crosses namespaces", () => {
  it("a SecretStore of another namespace is not found, by name or by label", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("steal", "other", {
        secretStoreRefs: [{ name: "fake", kind: "SecretStore" }],
        selector: { secret: { name: "db" } },
        data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "stolen" } } }],
      }),
    );
    const cond = await eventually(async () => {
      const c = await ready("other", "steal");
      return c?.status === "False" ? c : undefined;
    });
    assert.equal(cond.reason, "Errored");
    assert.match(cond.message!, /SecretStore "fake".*not found in namespace other/);

    await h.client.create(SECRETS, secretManifest("other", "mine", { k: "v" }));
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("steal-by-label", "other", {
        secretStoreRefs: [{ labelSelector: { matchLabels: { push: "enabled" } } }],
        selector: { secret: { name: "mine" } },
        data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "stolen-by-label" } } }],
      }),
    );
    await eventually(async () => (await ready("other", "steal-by-label"))?.status === "True");
    const ps = await h.client.get(PUSH_SECRETS, "other", "steal-by-label");
    assert.deepEqual(ps.status.syncedPushSecrets ?? {}, {});
    assert.equal(fakeValue("app/labelled", "stolen-by-label"), undefined);
    assert.equal(fakeValue("app/fake", "stolen"), undefined);
  });

  it("a Secret of another namespace is never read", async () => {
    await h.client.create(SECRET_STORES, fakeStore("own", "other", []));
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("read-foreign", "other", {
        secretStoreRefs: [{ name: "own" }],
        selector: { secret: { name: "db" } },
        data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "foreign" } } }],
      }),
    );
    const cond = await eventually(async () => {
      const c = await ready("other", "read-foreign");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /Secret "db" not found in namespace other/);
    assert.equal(fakeValue("other/own", "foreign"), undefined);
  });

  it("ClusterSecretStore namespace conditions are enforced", async () => {
    await h.client.create(
      CLUSTER_SECRET_STORES,
      fakeStore("shared", undefined, [], { conditions: [{ namespaces: ["app"] }] }),
    );
    for (const ns of ["app", "other"]) {
      await h.client.create(
        PUSH_SECRETS,
        pushSecret("to-cluster", ns, {
          secretStoreRefs: [{ name: "shared", kind: "ClusterSecretStore" }],
          selector: { secret: { name: ns === "app" ? "creds" : "mine" } },
          data: [{ match: { secretKey: ns === "app" ? "token" : "k", remoteRef: { remoteKey: `from-${ns}` } } }],
        }),
      );
    }
    await eventually(async () => fakeValue("cluster/shared", "from-app") !== undefined, {
      timeoutMs: 15_000,
      what: "allowed push",
    });
    const cond = await eventually(async () => {
      const c = await ready("other", "to-cluster");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /not allowed from namespace "other"/);
    assert.equal(fakeValue("cluster/shared", "from-other"), undefined);
  });
});

describe("PushSecret to Vault and AWS", () => {
  it("pushes a property to Vault KV v2 with the ownership marker, and deletes it with the PushSecret", async () => {
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("to-vault", "app", {
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "vault" }],
        selector: { secret: { name: "db" } },
        data: [{ match: { secretKey: "user", remoteRef: { remoteKey: "pushed/db", property: "username" } } }],
      }),
    );
    await eventually(async () => vault.getSecretData("secret", "pushed/db")?.username === "admin", {
      timeoutMs: 15_000,
      what: "in vault",
    });
    assert.equal(vault.getMetadata("secret", "pushed/db")?.custom_metadata?.["managed-by"], "external-secrets");
    await eventually(
      async () => {
        const ps = await h.client.get(PUSH_SECRETS, "app", "to-vault");
        return ps.status?.syncedPushSecrets?.["SecretStore/vault"]?.["pushed/db/username"];
      },
      { timeoutMs: 15_000, what: "status records the property" },
    );
    await h.client.delete(PUSH_SECRETS, "app", "to-vault");
    await eventually(async () => !(await h.client.get(PUSH_SECRETS, "app", "to-vault")), {
      timeoutMs: 15_000,
      what: "deleted",
    });
    const left = vault.getSecretData("secret", "pushed/db");
    assert.ok(!left || left.username === undefined, "pushed property removed from Vault");
  });

  it("pushes to Secrets Manager, honours IfNotExists and deletes with deletionPolicy Delete", async () => {
    aws.putSecretString("app/unmanaged", "someone-elses");
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("to-aws", "app", {
        deletionPolicy: "Delete",
        updatePolicy: "IfNotExists",
        secretStoreRefs: [{ name: "aws" }],
        selector: { secret: { name: "db" } },
        data: [
          { match: { secretKey: "password", remoteRef: { remoteKey: "app/db-password" } } },
          { match: { secretKey: "password", remoteRef: { remoteKey: "app/unmanaged" } } },
        ],
      }),
    );
    await eventually(async () => aws.secret("app/db-password") !== undefined, {
      timeoutMs: 15_000,
      what: "created in AWS",
    });
    const created = aws.secret("app/db-password")!;
    assert.equal(created.tags["managed-by"], "external-secrets");
    const current = created.versions.find((v) => v.stages.includes("AWSCURRENT"))!;
    // Binary by default, as upstream (metadata secretPushFormat: string switches to SecretString).
    assert.ok(["p1", "p2"].includes(current.binary?.toString() ?? ""));
    await eventually(async () => (await ready("app", "to-aws"))?.status === "True");
    const unmanaged = aws.secret("app/unmanaged")!;
    assert.equal(unmanaged.versions.length, 1, "existing secret not overwritten");
    assert.equal(unmanaged.versions[0]!.string, "someone-elses");

    await h.client.delete(PUSH_SECRETS, "app", "to-aws");
    await eventually(async () => aws.secret("app/db-password")?.deleted === true, {
      timeoutMs: 15_000,
      what: "deleted in AWS",
    });
    assert.notEqual(aws.secret("app/unmanaged")?.deleted, true, "a secret we did not create is never deleted");
  });

  it("imports a TLS Secret into Certificate Manager, re-imports it on renewal and deletes it", async () => {
    const first = selfSignedCert("shop.example.com", ["shop.example.com"]);
    const ca = selfSignedCert("Shop CA", []);
    await h.client.create(SECRETS, {
      ...secretManifest("app", "shop-tls", { "tls.crt": first.certPem + ca.certPem, "tls.key": first.keyPem }),
      type: "kubernetes.io/tls",
    });
    await h.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "acm", namespace: "app" },
      spec: {
        provider: {
          aws: {
            service: "CertificateManager",
            region: "us-east-1",
            auth: {
              secretRef: {
                accessKeyIDSecretRef: { name: "aws", key: "id" },
                secretAccessKeySecretRef: { name: "aws", key: "secret" },
              },
            },
          },
        },
      },
    });
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("to-acm", "app", {
        deletionPolicy: "Delete",
        refreshInterval: "1s",
        secretStoreRefs: [{ name: "acm" }],
        selector: { secret: { name: "shop-tls" } },
        data: [
          {
            match: { remoteRef: { remoteKey: "shop" } },
            metadata: { kind: "PushSecretMetadata", spec: { tags: { team: "shop" } } },
          },
        ],
      }),
    );
    const pushed = () =>
      aws.certificateArns().find((a) => aws.certificate(a)?.tags?.["external-secrets-remote-key"] === "shop");
    const arn = await eventually(async () => pushed(), { timeoutMs: 15_000, what: "imported into ACM" });
    // Imported first, then tagged: Ready means the whole push is done.
    await eventually(async () => (await ready("app", "to-acm"))?.status === "True");
    const cert = aws.certificate(arn)!;
    assert.equal(cert.tags?.["managed-by"], "external-secrets");
    assert.equal(cert.tags?.team, "shop");
    assert.equal(new X509Certificate(cert.certificatePem).subject, "CN=shop.example.com");
    assert.equal(new X509Certificate(cert.chainPem).subject, "CN=Shop CA");

    const renewed = selfSignedCert("shop.example.com", ["shop.example.com"]);
    await h.client.patch(SECRETS, "app", "shop-tls", {
      data: {
        "tls.crt": Buffer.from(renewed.certPem).toString("base64"),
        "tls.key": Buffer.from(renewed.keyPem).toString("base64"),
      },
    });
    const renewedPrint = new X509Certificate(renewed.certPem).fingerprint256;
    await eventually(
      async () =>
        new X509Certificate(aws.certificate(arn)?.certificatePem ?? renewed.certPem).fingerprint256 === renewedPrint,
      { timeoutMs: 15_000, what: "re-imported to the same ARN" },
    );
    assert.equal(pushed(), arn);

    await h.client.delete(PUSH_SECRETS, "app", "to-acm");
    await eventually(async () => aws.certificate(arn) === undefined, { timeoutMs: 15_000, what: "deleted from ACM" });
  });

  it("a generated Vault lease is recorded as GeneratorState; the superseded one is flagged for GC", async () => {
    await h.client.create(GENERATOR("vaultdynamicsecrets"), {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "VaultDynamicSecret",
      metadata: { name: "db-creds", namespace: "app" },
      spec: {
        path: "database/creds/app",
        provider: { server: vault.url, auth: { tokenSecretRef: { name: "vault-token", key: "token" } } },
      },
    });
    await h.client.create(
      PUSH_SECRETS,
      pushSecret("push-lease", "app", {
        refreshInterval: "1s",
        secretStoreRefs: [{ name: "fake" }],
        selector: { generatorRef: { kind: "VaultDynamicSecret", name: "db-creds" } },
        data: [{ match: { secretKey: "username", remoteRef: { remoteKey: "lease-user" } } }],
      }),
    );
    const states = async () =>
      (await h.client.list(GENERATOR_STATES, "app")).filter(
        (s: any) =>
          s.metadata.labels["generators.external-secrets.io/owner-key"] === "pushsecret-push-lease-__pushsecret",
      );
    const all = await eventually(
      async () => {
        const s = await states();
        return s.length >= 2 && s.some((x: any) => x.spec.garbageCollectionDeadline) ? s : undefined;
      },
      { timeoutMs: 20_000, what: "a superseded state" },
    );
    for (const s of all) {
      assert.ok(vault.leases.has(s.spec.state.leaseID) || vault.revokedLeases.includes(s.spec.state.leaseID));
      assert.equal(s.spec.resource.kind, "VaultDynamicSecret");
      assert.equal(s.metadata.ownerReferences[0].kind, "PushSecret");
      assert.ok(s.metadata.finalizers.includes("generatorstate.externalsecrets.io/finalizer"));
    }
    assert.equal(all.filter((s: any) => !s.spec.garbageCollectionDeadline).length <= 1, true, "one latest state");
    assert.match(fakeValue("app/fake", "lease-user") ?? "", /^v-app-/);
    // Deleting the PushSecret garbage-collects its states; the finalizer revokes each lease first.
    await h.client.delete(PUSH_SECRETS, "app", "push-lease");
    await eventually(async () => (await states()).length === 0, { timeoutMs: 20_000, what: "states collected" });
    for (const s of all) assert.ok(vault.revokedLeases.includes(s.spec.state.leaseID), "lease revoked");
  });
});

describe("ClusterPushSecret", () => {
  it("fans out to the selected namespaces and withdraws from namespaces that stop matching", async () => {
    for (const ns of ["team-a", "team-b"]) {
      await createNamespace(h, ns, { push: "yes" });
      await h.client.create(SECRET_STORES, fakeStore("backup", ns, []));
      await h.client.create(SECRETS, secretManifest(ns, "tls", { crt: `cert-of-${ns}` }));
    }
    await h.client.create(CLUSTER_PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "ClusterPushSecret",
      metadata: { name: "backup-tls" },
      spec: {
        pushSecretName: "backup",
        namespaceSelectors: [{ matchLabels: { push: "yes" } }],
        pushSecretSpec: {
          secretStoreRefs: [{ name: "backup" }],
          selector: { secret: { name: "tls" } },
          data: [{ match: { secretKey: "crt", remoteRef: { remoteKey: "tls-crt" } } }],
        },
      },
    });
    await eventually(
      async () =>
        fakeValue("team-a/backup", "tls-crt") === "cert-of-team-a" &&
        fakeValue("team-b/backup", "tls-crt") === "cert-of-team-b",
      { timeoutMs: 20_000, what: "pushed in both namespaces" },
    );
    const cps = await eventually(async () => {
      const c = await h.client.get(CLUSTER_PUSH_SECRETS, "", "backup-tls");
      return c.status?.provisionedNamespaces?.length === 2 ? c : undefined;
    });
    assert.deepEqual(cps.status.provisionedNamespaces, ["team-a", "team-b"]);
    assert.equal(cps.status.pushSecretName, "backup");
    const ps = await h.client.get(PUSH_SECRETS, "team-a", "backup");
    assert.equal(ps.metadata.ownerReferences[0].kind, "ClusterPushSecret");

    const nsB = await h.client.get(NAMESPACES, "", "team-b");
    nsB.metadata.labels = {};
    await h.client.update(NAMESPACES, nsB);
    await eventually(async () => !(await h.client.get(PUSH_SECRETS, "team-b", "backup")), {
      timeoutMs: 15_000,
      what: "withdrawn",
    });
    assert.ok(await h.client.get(PUSH_SECRETS, "team-a", "backup"));

    // The PushSecrets belong to the ClusterPushSecret: they go with it.
    await h.client.delete(CLUSTER_PUSH_SECRETS, "", "backup-tls");
    await eventually(async () => !(await h.client.get(PUSH_SECRETS, "team-a", "backup")), {
      timeoutMs: 15_000,
      what: "collected",
    });
  });
});
