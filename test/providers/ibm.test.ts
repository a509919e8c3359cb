import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { IBMProvider } from "../../src/api/providers/ibm.js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { ibmProvider } from "../../src/providers/ibm/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { type IbmFake, startIbmFake } from "../fakes/ibm-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const API_KEY = "ibm-api-key-0123456789";
const ARBITRARY_ID = "0b5571f7-21e6-42b7-91c5-3f5ac9793a46";
const VALUES = ["arb-payload-value", "up-password-value", "iam-apikey-value", "kv-nested-value", "svc-apikey-value"];

const text = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("ibm provider", () => {
  let fake: IbmFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let ids: Record<string, string>;
  let spec: IBMProvider;

  before(async () => {
    fake = await startIbmFake();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.secrets.length = 0;
    fake.apiKeys.clear();
    fake.apiKeys.add(API_KEY);
    ids = {
      arbitrary: fake.addSecret({
        id: ARBITRARY_ID,
        name: "arb",
        secret_type: "arbitrary",
        fields: { payload: VALUES[0] },
      }),
      up: fake.addSecret({
        name: "db-login",
        group: "team-a",
        secret_type: "username_password",
        fields: { username: "admin", password: VALUES[1] },
      }),
      iam: fake.addSecret({ name: "iam", secret_type: "iam_credentials", fields: { api_key: VALUES[2], ttl: "1d" } }),
      svc: fake.addSecret({
        name: "svc",
        secret_type: "service_credentials",
        fields: { credentials: { iam_role_crn: "crn:role", apikey: VALUES[4], "a<b": true } },
      }),
      kv: fake.addSecret({
        name: "config",
        secret_type: "kv",
        fields: { data: { key1: "val1", key3: { keyB: VALUES[3] }, "special.key": "special-content", n: 5 } },
      }),
      custom: fake.addSecret({
        name: "custom",
        secret_type: "custom_credentials",
        fields: { credentials_content: { token: "custom-token", port: 8443 } },
      }),
      imported: fake.addSecret({ name: "imp", secret_type: "imported_cert", fields: { certificate: "CERT-PEM" } }),
      pub: fake.addSecret({
        name: "pub",
        secret_type: "public_cert",
        fields: { certificate: "PUB-CERT", intermediate: "PUB-INT", private_key: "PUB-KEY" },
      }),
      priv: fake.addSecret({
        name: "priv",
        secret_type: "private_cert",
        fields: { certificate: "PRIV-CERT", private_key: "PRIV-KEY", issuing_ca: "CA" },
      }),
    };
    kube = new MemoryKubeAccess().setSecret("team", "ibm", { apiKey: API_KEY });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "ibm", namespace: "team" };
    spec = {
      serviceUrl: fake.url,
      auth: { secretRef: { secretApiKeySecretRef: { name: "ibm", key: "apiKey" }, iamEndpoint: fake.url } },
    };
  });
  afterEach(() => configureTenantPolicy());

  const client = (s: IBMProvider = spec): Promise<SecretsClient> => ibmProvider.newClient(s, ctx);

  test("store readiness: a good API key is ready, a bad one is not and the message names the cause", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("team", "ibm", { apiKey: "not-a-known-key" });
    const v = await (await client()).validate();
    assert.equal(v.ready, false);
    assert.match(v.message ?? "", /authentication failed/);
    assert.doesNotMatch(v.message ?? "", /not-a-known-key/);
  });

  test("validate(spec) names each bad field", () => {
    const errs = (s: unknown, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") =>
      ibmProvider.validate(s as IBMProvider, kind).errors;
    assert.ok(errs({ auth: { secretRef: {} } }).some((e) => e.startsWith("spec.provider.ibm.serviceUrl:")));
    assert.ok(errs({ serviceUrl: "https://x", auth: {} }).some((e) => e.includes("missing auth method")));
    assert.ok(
      errs({ serviceUrl: "https://x", auth: { secretRef: {}, containerAuth: { profile: "p" } } }).some((e) =>
        e.includes("too many auth methods"),
      ),
    );
    assert.ok(
      errs({ serviceUrl: "https://x", auth: { containerAuth: { profile: "" } } }).some((e) =>
        e.startsWith("spec.provider.ibm.auth.containerAuth.profile:"),
      ),
    );
    const cluster = errs(
      { serviceUrl: "https://x", auth: { secretRef: { secretApiKeySecretRef: { name: "k" } } } },
      "ClusterSecretStore",
    );
    assert.ok(cluster.some((e) => e.endsWith("secretApiKeySecretRef.key: cannot be empty")));
    assert.ok(cluster.some((e) => e.endsWith("secretApiKeySecretRef.namespace: is required for a ClusterSecretStore")));
    assert.ok(
      errs({ serviceUrl: "not a url", auth: { secretRef: { secretApiKeySecretRef: { name: "k", key: "v" } } } }).some(
        (e) => e.includes("serviceUrl: is not a valid URL"),
      ),
    );
    assert.deepEqual(errs(spec), []);
  });

  test("arbitrary secrets by ID and by group/type/name; a name without a group is refused", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: ARBITRARY_ID })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: `arbitrary/${ARBITRARY_ID}` })).toString(), VALUES[0]);
    assert.equal((await c.getSecret({ key: "default/arbitrary/arb" })).toString(), VALUES[0]);
    assert.ok(fake.requests.some((r) => r.path === "/api/v2/secret_groups/default/secret_types/arbitrary/secrets/arb"));
    await assert.rejects(c.getSecret({ key: "arbitrary/arb" }), /secret group name is missing/);
    await assert.rejects(c.getSecret({ key: "bogus_type/arb" }), /unknown secret type bogus_type/);
    assert.deepEqual(text(await c.getSecretMap({ key: ARBITRARY_ID })), { arbitrary: VALUES[0] });
  });

  test("username_password needs a property; dataFrom returns both fields", async () => {
    const c = await client();
    assert.equal(
      (await c.getSecret({ key: "team-a/username_password/db-login", property: "password" })).toString(),
      VALUES[1],
    );
    assert.equal((await c.getSecret({ key: `username_password/${ids.up}`, property: "username" })).toString(), "admin");
    await assert.rejects(c.getSecret({ key: `username_password/${ids.up}` }), /remoteRef.property required/);
    await assert.rejects(
      c.getSecret({ key: `username_password/${ids.up}`, property: "nope" }),
      (e: Error) => e instanceof NoSecretError && /key nope does not exist/.test(e.message),
    );
    assert.deepEqual(text(await c.getSecretMap({ key: `username_password/${ids.up}` })), {
      username: "admin",
      password: VALUES[1],
    });
  });

  test("iam_credentials and service_credentials", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: `iam_credentials/${ids.iam}` })).toString(), VALUES[2]);
    assert.deepEqual(text(await c.getSecretMap({ key: `iam_credentials/${ids.iam}` })), { apikey: VALUES[2] });
    // Go's json.Marshal: sorted keys, HTML characters escaped.
    assert.equal(
      (await c.getSecret({ key: `service_credentials/${ids.svc}` })).toString(),
      `{"a\\u003cb":true,"apikey":"${VALUES[4]}","iam_role_crn":"crn:role"}`,
    );
    // Upstream's dataFrom prints the credentials map with %v.
    assert.deepEqual(text(await c.getSecretMap({ key: `service_credentials/${ids.svc}` })), {
      credentials: `map[a<b:true apikey:${VALUES[4]} iam_role_crn:crn:role]`,
    });
  });

  test("certificates: property required; an imported cert without intermediate or key syncs them empty", async () => {
    const c = await client();
    assert.equal(
      (await c.getSecret({ key: `imported_cert/${ids.imported}`, property: "certificate" })).toString(),
      "CERT-PEM",
    );
    assert.equal(
      (await c.getSecret({ key: `imported_cert/${ids.imported}`, property: "intermediate" })).toString(),
      "",
    );
    assert.equal((await c.getSecret({ key: `imported_cert/${ids.imported}`, property: "private_key" })).toString(), "");
    await assert.rejects(
      c.getSecret({ key: `public_cert/${ids.pub}` }),
      /property required for secret type public_cert/,
    );
    assert.equal(
      (await c.getSecret({ key: `public_cert/${ids.pub}`, property: "intermediate" })).toString(),
      "PUB-INT",
    );
    assert.equal(
      (await c.getSecret({ key: `private_cert/${ids.priv}`, property: "private_key" })).toString(),
      "PRIV-KEY",
    );
    assert.deepEqual(text(await c.getSecretMap({ key: `imported_cert/${ids.imported}` })), {
      certificate: "CERT-PEM",
      intermediate: "",
      private_key: "",
    });
    assert.deepEqual(text(await c.getSecretMap({ key: `public_cert/${ids.pub}` })), {
      certificate: "PUB-CERT",
      intermediate: "PUB-INT",
      private_key: "PUB-KEY",
    });
    assert.deepEqual(text(await c.getSecretMap({ key: `private_cert/${ids.priv}` })), {
      certificate: "PRIV-CERT",
      private_key: "PRIV-KEY",
    });
  });

  test("kv and custom_credentials: whole object, nested path, dotted literal key, extract", async () => {
    const c = await client();
    const key = `kv/${ids.kv}`;
    assert.equal(
      (await c.getSecret({ key })).toString(),
      `{"key1":"val1","key3":{"keyB":"${VALUES[3]}"},"n":5,"special.key":"special-content"}`,
    );
    assert.equal((await c.getSecret({ key, property: "key3.keyB" })).toString(), VALUES[3]);
    assert.equal((await c.getSecret({ key, property: "special.key" })).toString(), "special-content");
    await assert.rejects(c.getSecret({ key, property: "key9" }), NoSecretError);
    assert.deepEqual(text(await c.getSecretMap({ key })), {
      key1: "val1",
      key3: `{"keyB":"${VALUES[3]}"}`,
      n: "5",
      "special.key": "special-content",
    });
    assert.deepEqual(text(await c.getSecretMap({ key, property: "key3" })), { keyB: VALUES[3] });
    assert.equal((await c.getSecret({ key: `custom_credentials/${ids.custom}`, property: "port" })).toString(), "8443");
    assert.deepEqual(text(await c.getSecretMap({ key: `custom_credentials/${ids.custom}` })), {
      token: "custom-token",
      port: "8443",
    });
  });

  test("metadataPolicy Fetch adds the secret's metadata to dataFrom", async () => {
    const c = await client();
    const m = text(await c.getSecretMap({ key: `username_password/${ids.up}`, metadataPolicy: "Fetch" }));
    assert.equal(m.id, ids.up);
    assert.equal(m.created_at, "2024-01-02T03:04:05.000Z");
    assert.equal(m.versions_total, "1");
    assert.equal(m.labels, "[]");
    assert.equal(m.password, VALUES[1]);
  });

  test("find, push, exists and delete are refused as upstream (not implemented)", async () => {
    const c = await client();
    await assert.rejects(
      c.getAllSecrets({ name: { regexp: ".*" } }),
      (e: Error) => e instanceof NotSupportedError && /not implemented/.test(e.message),
    );
    const src = { name: "s", namespace: "team", data: { k: Buffer.from("v") } };
    await assert.rejects(c.pushSecret(src, { secretKey: "k", remoteRef: { remoteKey: "x" } }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
    assert.equal(ibmProvider.capabilities(spec), "ReadOnly");
  });

  test("not found is NoSecretError naming the key; 429 and 5xx map to their errors", async () => {
    const c = await client();
    const missing = "5d6b2e1c-0000-4000-8000-000000000000";
    await assert.rejects(
      c.getSecret({ key: missing }),
      (e: Error) => e instanceof NoSecretError && e.message.includes(missing),
    );
    await assert.rejects(
      c.getSecret({ key: "default/kv/absent" }),
      (e: Error) => e instanceof NoSecretError && e.message.includes("absent"),
    );
    await c.getSecret({ key: ARBITRARY_ID }); // token cached: the next request is the secret read
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: ARBITRARY_ID }), ProviderThrottledError);
    fake.faults.push(503);
    await assert.rejects(c.getSecret({ key: ARBITRARY_ID }), /HTTP 503/);
    fake.faults.push(403);
    await assert.rejects(c.getSecret({ key: ARBITRARY_ID }), ProviderAuthError);
  });

  test("the IAM token is shared between clients of the process and exchanged again after a 401", async () => {
    const c1 = await client();
    await c1.getSecret({ key: ARBITRARY_ID });
    const c2 = await client();
    await c2.getSecret({ key: ARBITRARY_ID });
    assert.equal(fake.requests.filter((r) => r.path === "/identity/token").length, 1);
    assert.equal(
      fake.requests.find((r) => r.path === "/identity/token")?.form?.grant_type,
      "urn:ibm:params:oauth:grant-type:apikey",
    );
    fake.revokeTokens();
    assert.equal((await c2.getSecret({ key: ARBITRARY_ID })).toString(), VALUES[0]);
    assert.equal(fake.requests.filter((r) => r.path === "/identity/token").length, 2);
    // Revoked key: the exchange itself fails as an auth error.
    fake.revokeTokens();
    fake.apiKeys.clear();
    await assert.rejects(c2.getSecret({ key: ARBITRARY_ID }), ProviderAuthError);
  });

  test("no secret value or credential appears in any error", async () => {
    kube.setSecret("team", "ibm", { apiKey: "wrong-key-zzz" });
    const bad = await client();
    const errors: string[] = [];
    const collect = async (p: Promise<unknown>) =>
      p.then(
        () => {},
        (e: Error) => errors.push(e.message),
      );
    await collect(bad.getSecret({ key: ARBITRARY_ID }));
    kube.setSecret("team", "ibm", { apiKey: API_KEY });
    const c = await client();
    await collect(c.getSecret({ key: `username_password/${ids.up}`, property: "missing" }));
    await collect(c.getSecret({ key: `kv/${ids.kv}`, property: "nope" }));
    fake.faults.push(500);
    await collect(c.getSecret({ key: ARBITRARY_ID }));
    assert.equal(errors.length, 4);
    for (const m of errors) {
      for (const secret of [...VALUES, API_KEY, "wrong-key-zzz", ...fake.issued.keys()])
        assert.ok(!m.includes(secret), m);
    }
  });

  describe("tenancy", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "ibm-cr-"));
      writeFileSync(join(dir, "cr-token"), "cr-token-of-the-operator\n");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test("a SecretStore may not read an API key from another namespace", async () => {
      kube.setSecret("other", "ibm", { apiKey: API_KEY });
      const s = {
        ...spec,
        auth: {
          secretRef: {
            secretApiKeySecretRef: { name: "ibm", key: "apiKey", namespace: "other" },
            iamEndpoint: fake.url,
          },
        },
      };
      await assert.rejects(client(s), StoreConfigError);
      assert.equal(fake.requests.length, 0);
    });

    test("a ClusterSecretStore's containerAuth exchanges the compute-resource token for the profile", async () => {
      fake.profiles.set("eso-profile", "cr-token-of-the-operator");
      ctx = { ...ctx, storeKind: "ClusterSecretStore" };
      const s: IBMProvider = {
        serviceUrl: fake.url,
        auth: {
          containerAuth: { profile: "eso-profile", tokenLocation: join(dir, "cr-token"), iamEndpoint: fake.url },
        },
      };
      const c = await client(s);
      assert.equal((await c.getSecret({ key: ARBITRARY_ID })).toString(), VALUES[0]);
      const form = fake.requests.find((r) => r.path === "/identity/token")?.form;
      assert.deepEqual(form, {
        grant_type: "urn:ibm:params:oauth:grant-type:cr-token",
        cr_token: "cr-token-of-the-operator",
        profile_name: "eso-profile",
      });
      fake.revokeTokens();
      fake.profiles.set("eso-profile", "another-token");
      await assert.rejects(c.getSecret({ key: ARBITRARY_ID }), ProviderAuthError);
    });

    test("a SecretStore may not point containerAuth at its own IAM endpoint or token file", async () => {
      fake.profiles.set("eso-profile", "cr-token-of-the-operator");
      const ownUrl: IBMProvider = {
        serviceUrl: fake.url,
        auth: { containerAuth: { profile: "eso-profile", iamEndpoint: fake.url } },
      };
      await assert.rejects(
        client(ownUrl),
        (e: Error) => e instanceof StoreConfigError && /containerAuth.iamEndpoint/.test(e.message),
      );
      const ownFile: IBMProvider = {
        serviceUrl: fake.url,
        auth: { containerAuth: { profile: "eso-profile", tokenLocation: join(dir, "cr-token") } },
      };
      await assert.rejects(
        client(ownFile),
        (e: Error) => e instanceof StoreConfigError && /containerAuth.tokenLocation/.test(e.message),
      );
      assert.equal(fake.requests.length, 0, "nothing was sent anywhere");
    });

    test("with --refuse-ambient-credentials-for-namespaced-stores a SecretStore's containerAuth is refused", async () => {
      configureTenantPolicy({ refuseAmbientCredentials: true });
      const s: IBMProvider = { serviceUrl: fake.url, auth: { containerAuth: { profile: "eso-profile" } } };
      await assert.rejects(
        client(s),
        (e: Error) => e instanceof StoreConfigError && /refuse-ambient-credentials/.test(e.message),
      );
    });

    test("a missing token file is a config error naming the field", async () => {
      ctx = { ...ctx, storeKind: "ClusterSecretStore" };
      const s: IBMProvider = {
        serviceUrl: fake.url,
        auth: { containerAuth: { profile: "p", tokenLocation: join(dir, "absent") } },
      };
      await assert.rejects(
        client(s),
        (e: Error) =>
          e instanceof StoreConfigError && /tokenLocation: cannot read container auth token .*ENOENT/.test(e.message),
      );
    });
  });
});
