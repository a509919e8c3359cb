import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { OracleProvider } from "../../src/api/providers/oracle.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { ORACLE_ENDPOINT_ENV, oracleProvider } from "../../src/providers/oracle/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { FAKE_COMPARTMENT, FAKE_VAULT, type OracleFake, startOracleFake } from "../fakes/oracle-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";
import { setEnv } from "../support/world.js";

const TENANCY = "ocid1.tenancy.oc1..faketenancy";
const USER = "ocid1.user.oc1..fakeuser";
const KEY = "ocid1.key.oc1..fakekey";
const VALUES = ["oci-db-password", "oci-json-secret-value", "oci-tagged-value"];

const text = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("oracle provider", () => {
  let fake: OracleFake;
  let restoreEnv: () => void;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let apiKey: { privateKeyPem: string; fingerprint: string };
  let spec: OracleProvider;
  let dir: string;

  before(async () => {
    fake = await startOracleFake();
    dir = mkdtempSync(join(tmpdir(), "oracle-"));
    writeFileSync(join(dir, "ca.crt"), fake.proxymuxCaPem);
    writeFileSync(join(dir, "operator-token"), "operator-own-sa-token\n");
    restoreEnv = setEnv({
      [ORACLE_ENDPOINT_ENV]: fake.url,
      ESO_ORACLE_METADATA_URL: `${fake.url}/opc/v2`,
      ESO_ORACLE_PROXYMUX_URL: fake.proxymuxUrl,
      OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH: join(dir, "ca.crt"),
    });
  });
  after(async () => {
    restoreEnv();
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.secrets.length = 0;
    fake.removeApiKeys();
    apiKey = fake.addApiKey(TENANCY, USER);
    fake.addSecret({ name: "db-password", value: VALUES[0]! });
    const json = fake.addSecret({
      name: "app-config",
      value: JSON.stringify({ user: "app", password: VALUES[1], nested: { port: 5432 } }),
    });
    json.versions.push(Buffer.from(JSON.stringify({ user: "app", password: VALUES[1], nested: { port: 6543 } })));
    fake.addSecret({ name: "tagged", value: VALUES[2]!, tags: { team: "payments" } });
    fake.addSecret({ name: "flat", value: JSON.stringify({ a: "1", b: "two", c: null }) });
    kube = new MemoryKubeAccess().setSecret("team", "oci", {
      privateKey: apiKey.privateKeyPem,
      fingerprint: apiKey.fingerprint,
    });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "oci", namespace: "team" };
    spec = {
      region: "eu-frankfurt-1",
      vault: FAKE_VAULT,
      compartment: FAKE_COMPARTMENT,
      encryptionKey: KEY,
      auth: {
        tenancy: TENANCY,
        user: USER,
        secretRef: { privatekey: { name: "oci", key: "privateKey" }, fingerprint: { name: "oci", key: "fingerprint" } },
      },
    };
  });
  afterEach(() => configureTenantPolicy());

  const client = (s: OracleProvider = spec): Promise<SecretsClient> => oracleProvider.newClient(s, ctx);

  test("store readiness: a signed GetVault with the user's key is ready; a wrong key is not", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    const get = fake.requests.find((r) => r.path === `/20180608/vaults/${FAKE_VAULT}`);
    assert.equal(get?.keyId, `${TENANCY}/${USER}/${apiKey.fingerprint}`);
    const other = fake.addApiKey(TENANCY, "ocid1.user.oc1..other");
    kube.setSecret("team", "oci", { privateKey: other.privateKeyPem, fingerprint: apiKey.fingerprint });
    const v = await (await client()).validate();
    assert.equal(v.ready, false);
    assert.match(v.message ?? "", /authentication failed \(HTTP 401 \(NotAuthenticated\)\)/);
    // Authenticated but not allowed to read the vault: ready, as upstream (reading secrets needs other rights).
    kube.setSecret("team", "oci", { privateKey: apiKey.privateKeyPem, fingerprint: apiKey.fingerprint });
    assert.deepEqual(await (await client({ ...spec, vault: "ocid1.vault.oc1..unknown" })).validate(), { ready: true });
  });

  test("validate(spec) names each bad field", () => {
    const errs = (s: unknown, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") =>
      oracleProvider.validate(s as OracleProvider, kind).errors;
    assert.deepEqual(errs(spec), []);
    const e = errs(
      {
        region: "eu frankfurt/evil.com#",
        auth: { tenancy: "", user: "u", secretRef: { privatekey: { name: "k" }, fingerprint: {} } },
      },
      "ClusterSecretStore",
    );
    assert.ok(e.includes("spec.provider.oracle.vault: cannot be empty"));
    assert.ok(e.includes("spec.provider.oracle.region: is not a valid OCI region identifier"));
    assert.ok(e.includes("spec.provider.oracle.auth.tenancy: cannot be empty"));
    assert.ok(e.includes("spec.provider.oracle.auth.secretRef.privatekey.key: cannot be empty"));
    assert.ok(
      e.includes("spec.provider.oracle.auth.secretRef.privatekey.namespace: is required for a ClusterSecretStore"),
    );
    assert.ok(e.includes("spec.provider.oracle.auth.secretRef.fingerprint.name: cannot be empty"));
    assert.ok(
      errs({ ...spec, deletionGracePeriod: "2h" }).includes(
        "spec.provider.oracle.deletionGracePeriod: must be between 24h and 720h",
      ),
    );
    assert.deepEqual(errs({ ...spec, deletionGracePeriod: "168h" }), []);
    assert.ok(
      errs({ region: "eu-frankfurt-1", vault: FAKE_VAULT, principalType: "Workload" })[0]?.startsWith(
        "spec.provider.oracle.serviceAccountRef:",
      ),
    );
    assert.deepEqual(
      errs({ region: "eu-frankfurt-1", vault: FAKE_VAULT, principalType: "Workload" }, "ClusterSecretStore"),
      [],
    );
    const w = oracleProvider.validate(
      { region: "eu-frankfurt-1", vault: FAKE_VAULT } as OracleProvider,
      "SecretStore",
    ).warnings;
    assert.match(w[0] ?? "", /instance principal/);
  });

  test("reads: value, property, version stage, extract", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "db-password" })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "app-config", property: "nested.port" })).toString(), "6543");
    assert.equal(
      (await c.getSecret({ key: "app-config", property: "nested.port", version: "PREVIOUS" })).toString(),
      "5432",
    );
    await assert.rejects(
      c.getSecret({ key: "app-config", property: "nope" }),
      (e: Error) => e instanceof NoSecretError && /app-config/.test(e.message),
    );
    assert.deepEqual(text(await c.getSecretMap({ key: "flat" })), { a: "1", b: "two", c: "" });
    // Upstream decodes into map[string]string: a nested object is an error, naming the key but not the value.
    await assert.rejects(
      c.getSecretMap({ key: "app-config" }),
      (e: Error) => /"nested" is not a string/.test(e.message) && !e.message.includes(VALUES[1]!),
    );
  });

  test("find: by name regexp, by tags (any one matching), skipping secrets pending deletion, across pages", async () => {
    const c = await client();
    const deleted = fake.addSecret({ name: "db-old", value: "gone" });
    deleted.timeOfDeletion = new Date(Date.now() + 86_400_000).toISOString();
    assert.deepEqual(text(await c.getAllSecrets({ name: { regexp: "^db-" } })), { "db-password": VALUES[0] });
    assert.ok(fake.requests.filter((r) => r.path === "/20180608/secrets").length >= 3, "all pages listed");
    assert.deepEqual(text(await c.getAllSecrets({ tags: { team: "payments", other: "x" } })), { tagged: VALUES[2] });
    await assert.rejects(
      client({ ...spec, compartment: undefined }).then((x) => x.getAllSecrets({ name: { regexp: "." } })),
      StoreConfigError,
    );
  });

  test("push creates, updates only on change, and delete schedules deletion once", async () => {
    const c = await client({ ...spec, deletionGracePeriod: "48h" });
    const source = { name: "src", namespace: "team", data: { pw: Buffer.from("pushed-1"), user: Buffer.from("a&b") } };
    await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "pushed" } });
    const created = fake.secrets.find((s) => s.name === "pushed")!;
    assert.equal(created.versions.at(-1)!.toString(), "pushed-1");
    assert.equal(created.keyId, KEY);
    assert.equal(created.compartmentId, FAKE_COMPARTMENT);
    await c.pushSecret(source, { secretKey: "pw", remoteRef: { remoteKey: "pushed" } });
    assert.equal(created.versions.length, 1, "unchanged value: no new version");
    await c.pushSecret(source, { remoteRef: { remoteKey: "pushed" } });
    assert.equal(created.versions.at(-1)!.toString(), '{"pw":"pushed-1","user":"a\\u0026b"}');
    await assert.rejects(
      c.secretExists({ remoteKey: "pushed" }),
      (e: Error) => e instanceof NotSupportedError && /not implemented/.test(e.message),
    );
    await c.deleteSecret({ remoteKey: "pushed" });
    const days = (Date.parse(created.timeOfDeletion!) - Date.now()) / 86_400_000;
    assert.ok(days > 1.9 && days < 2.1, `scheduled in ${days} days`);
    const before = fake.requests.length;
    await c.deleteSecret({ remoteKey: "pushed" });
    assert.ok(!fake.requests.slice(before).some((r) => r.path.endsWith("/scheduleDeletion")), "already scheduled");
    await c.deleteSecret({ remoteKey: "never-existed" });
    await assert.rejects(
      (await client({ ...spec, encryptionKey: undefined })).pushSecret(source, {
        secretKey: "pw",
        remoteRef: { remoteKey: "x" },
      }),
      (e: Error) => e instanceof StoreConfigError && /encryption key/.test(e.message),
    );
  });

  test("failures: not found names the key; 401, 429 and 5xx map to their errors", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "missing-one" }),
      (e: Error) => e instanceof NoSecretError && e.message.includes("missing-one"),
    );
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "db-password" }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: "db-password" }), /HTTP 500 \(InternalServerError\)/);
    fake.removeApiKeys();
    await assert.rejects(c.getSecret({ key: "db-password" }), ProviderAuthError);
  });

  test("no secret value, key or token appears in any error", async () => {
    const errors: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => {},
        (e: Error) => errors.push(e.message),
      );
    const c = await client();
    await collect(c.getSecret({ key: "app-config", property: "absent" }));
    await collect(c.getSecretMap({ key: "db-password" }));
    fake.faults.push(503);
    await collect(c.getSecret({ key: "db-password" }));
    kube.setSecret("team", "oci", { privateKey: "not a pem", fingerprint: apiKey.fingerprint });
    await collect(client());
    assert.equal(errors.length, 4);
    for (const m of errors)
      for (const v of [...VALUES, apiKey.privateKeyPem.split("\n")[1]!]) assert.ok(!m.includes(v), m);
  });

  describe("tenancy and ambient identities", () => {
    test("a SecretStore may not read its signing key from another namespace", async () => {
      kube.setSecret("other", "oci", { privateKey: apiKey.privateKeyPem, fingerprint: apiKey.fingerprint });
      const s = structuredClone(spec);
      s.auth!.secretRef.privatekey.namespace = "other";
      await assert.rejects(client(s), StoreConfigError);
    });

    test("instance principal: federates the metadata certificate and signs with the session key", async () => {
      fake.setInstanceIdentity(TENANCY);
      const s: OracleProvider = { region: "eu-frankfurt-1", vault: FAKE_VAULT };
      const c = await client(s);
      assert.equal((await c.getSecret({ key: "db-password" })).toString(), VALUES[0]);
      const read = fake.requests.find((r) => r.path === "/20190301/secretbundles/actions/getByName");
      assert.match(read?.keyId ?? "", /^ST\$/);
      assert.equal(fake.sessions.get(read!.keyId!.slice(3))?.subject, `instance:${TENANCY}`);
      // A second client reuses the session.
      await (await client(s)).getSecret({ key: "db-password" });
      assert.equal(fake.requests.filter((r) => r.path === "/v1/x509").length, 1);
    });

    test("instance principal is refused for a SecretStore when the operator refuses ambient credentials", async () => {
      configureTenantPolicy({ refuseAmbientCredentials: true });
      await assert.rejects(
        client({ region: "eu-frankfurt-1", vault: FAKE_VAULT }),
        (e: Error) => e instanceof StoreConfigError && /refuse-ambient-credentials/.test(e.message),
      );
      ctx = { ...ctx, storeKind: "ClusterSecretStore" };
      fake.setInstanceIdentity(TENANCY);
      assert.equal(
        (
          await (await client({ region: "eu-frankfurt-1", vault: FAKE_VAULT })).getSecret({ key: "db-password" })
        ).toString(),
        VALUES[0],
      );
    });

    test("workload identity with serviceAccountRef: a TokenRequest in the store's namespace, audience api", async () => {
      kube.setServiceAccount("team", "oci-reader");
      fake.workloadToken = (bearer) => {
        const claims = kube.verifyToken(bearer);
        return claims?.aud.includes("api") ? claims.sub : undefined;
      };
      const s: OracleProvider = {
        region: "eu-frankfurt-1",
        vault: FAKE_VAULT,
        principalType: "Workload",
        serviceAccountRef: { name: "oci-reader" },
      };
      const c = await client(s);
      assert.equal((await c.getSecret({ key: "db-password" })).toString(), VALUES[0]);
      assert.deepEqual(kube.issued[0], {
        namespace: "team",
        serviceAccount: "oci-reader",
        audiences: ["api"],
        expirationSeconds: 3600,
      });
      const read = fake.requests.find((r) => r.path === "/20190301/secretbundles/actions/getByName");
      assert.equal(fake.sessions.get(read!.keyId!.slice(3))?.subject, "workload:system:serviceaccount:team:oci-reader");
      await assert.rejects(
        client({ ...s, serviceAccountRef: { name: "oci-reader", namespace: "other" } }),
        StoreConfigError,
      );
    });

    test("workload identity without serviceAccountRef uses the operator's token only for a ClusterSecretStore", async () => {
      configureTenantPolicy({ ownServiceAccountTokenPath: join(dir, "operator-token") });
      fake.workloadToken = (bearer) => (bearer === "operator-own-sa-token" ? "operator" : undefined);
      const s: OracleProvider = { region: "eu-frankfurt-1", vault: FAKE_VAULT, principalType: "Workload" };
      await assert.rejects(
        client(s),
        (e: Error) => e instanceof StoreConfigError && /serviceAccountRef/.test(e.message),
      );
      assert.ok(
        !fake.requests.some((r) => r.path === "/resourcePrincipalSessionTokens"),
        "nothing sent for the SecretStore",
      );
      ctx = { ...ctx, storeKind: "ClusterSecretStore" };
      assert.equal((await (await client(s)).getSecret({ key: "db-password" })).toString(), VALUES[0]);
    });

    test("a rejected ServiceAccount token is an auth error", async () => {
      kube.setServiceAccount("team", "oci-reader");
      fake.workloadToken = () => undefined;
      const c = await client({
        region: "eu-frankfurt-1",
        vault: FAKE_VAULT,
        principalType: "Workload",
        serviceAccountRef: { name: "oci-reader" },
      });
      await assert.rejects(c.getSecret({ key: "db-password" }), ProviderAuthError);
    });
  });
});
