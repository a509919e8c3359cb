import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { fortanixProvider } from "../../src/providers/fortanix/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { issueCertBundle } from "../../src/util/serving-certs.js";
import { type FortanixFake, startFortanixFake } from "../fakes/fortanix-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const VALUES = ["fx-db-password", "fx-opaque-blob"];
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("fortanix provider", () => {
  let fake: FortanixFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startFortanixFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.objects.length = 0;
    fake.add("db-password", VALUES[0]!);
    fake.add("db-config", '{"user":"admin","password":"fx-json-pw"}');
    fake.add("opaque", VALUES[1]!, "Opaque");
    fake.add("sealed", "never-leaves", "Secret", false);
    fake.add("numbers", '{"port":5432}');
    kube = new MemoryKubeAccess().setSecret("team", "fx", { apiKey: fake.apiKey });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "fx", namespace: "team" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({ apiUrl: fake.url, apiKey: { secretRef: { name: "fx", key: "apiKey" } }, ...extra }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    fortanixProvider.newClient(spec(extra), ctx);

  test("store readiness: ready with the application's API key, not ready naming the cause with another", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    assert.match(fake.requests.at(-1)!, /^GET \/crypto\/v1\/keys/);
    kube.setSecret("team", "fx", { apiKey: Buffer.from("app:wrong").toString("base64") });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /fortanix: authenticate: authentication failed \(HTTP 401\)/);
  });

  test("validate(spec) names each bad field", () => {
    assert.deepEqual(fortanixProvider.validate({} as any, "SecretStore").errors, [
      "spec.provider.fortanix.apiKey: is required",
    ]);
    assert.deepEqual(fortanixProvider.validate({ apiKey: {} } as any, "SecretStore").errors, [
      "spec.provider.fortanix.apiKey.secretRef: is required",
    ]);
    assert.deepEqual(
      fortanixProvider.validate(
        { apiUrl: "not a url", apiKey: { secretRef: { name: "", key: "" } }, caBundle: "eA==", caProvider: {} } as any,
        "ClusterSecretStore",
      ).errors,
      [
        "spec.provider.fortanix.apiKey.secretRef.name: is required",
        "spec.provider.fortanix.apiKey.secretRef.key: is required",
        "spec.provider.fortanix.apiKey.secretRef.namespace: is required for a ClusterSecretStore",
        "spec.provider.fortanix.apiUrl: is not a valid URL",
        "spec.provider.fortanix.caBundle: may not be set together with caProvider",
      ],
    );
    assert.deepEqual(fortanixProvider.validate(spec(), "SecretStore").errors, []);
  });

  test("reads: Secret objects are exported by id, opaque objects come with their value; property and map", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "db-password" })).toString(), VALUES[0]);
    assert.deepEqual(
      fake.requests.slice(0, 2).map((r) => r.split(" ").slice(0, 2).join(" ")),
      ["POST /crypto/v1/keys/info", "POST /crypto/v1/keys/export"],
    );
    fake.requests.length = 0;
    assert.equal((await c.getSecret({ key: "opaque" })).toString(), VALUES[1]);
    assert.equal(fake.requests.length, 1, "an opaque object needs no export");
    assert.equal((await c.getSecret({ key: "db-config", property: "password" })).toString(), "fx-json-pw");
    assert.deepEqual(str(await c.getSecretMap({ key: "db-config" })), { user: "admin", password: "fx-json-pw" });
    // Upstream decodes into map[string]string: non-string values are an error, not a guess.
    await assert.rejects(c.getSecretMap({ key: "numbers" }), /not a valid JSON object of strings|unable to unmarshal/);
    await assert.rejects(c.getSecretMap({ key: "db-password" }), /unable to unmarshal secret "db-password"/);
  });

  test("find, push, exists and delete are refused with upstream's messages", async () => {
    const c = await client();
    assert.equal(fortanixProvider.capabilities(spec()), "ReadOnly");
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), /getting all secrets is currently not supported/);
    await assert.rejects(c.pushSecret({} as any, { remoteRef: { remoteKey: "x" } }), NotSupportedError);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), /pushing secrets is currently not supported/);
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), /deleting secrets is currently not supported/);
  });

  test("failures: not found names the key; missing property; unexportable; 401, 429, 5xx", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "absent" }),
      (e: Error) => e instanceof NoSecretError && /"absent"/.test(e.message),
    );
    await assert.rejects(
      c.getSecret({ key: "db-config", property: "nope" }),
      (e: Error) => e instanceof NoSecretError && /nope/.test(e.message),
    );
    await assert.rejects(c.getSecret({ key: "sealed" }), ProviderAuthError);
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "db-password" }), ProviderThrottledError);
    fake.faults.push(502);
    await assert.rejects(c.getSecret({ key: "db-password" }), /HTTP 502/);
    fake.faults.push(401);
    await assert.rejects(c.getSecret({ key: "db-password" }), ProviderAuthError);
  });

  test("no value or API key appears in any error", async () => {
    const c = await client();
    const errors: string[] = [];
    for (const f of [401, 429, 500, 404]) {
      fake.faults.push(f);
      await c.getSecret({ key: "db-password" }).catch((e: Error) => errors.push(e.message));
    }
    await c.getSecret({ key: "db-config", property: "zzz" }).catch((e: Error) => errors.push(e.message));
    await c.getSecretMap({ key: "numbers" }).catch((e: Error) => errors.push(e.message));
    assert.equal(errors.length, 6);
    for (const m of errors)
      for (const s of [...VALUES, "fx-json-pw", "5432", fake.apiKey]) assert.ok(!m.includes(s), m);
  });

  test("TLS: a caBundle is trusted, an unknown certificate is refused", async () => {
    const cert = issueCertBundle(["localhost"], 1, ["127.0.0.1"]);
    const tlsFake = await startFortanixFake({ key: cert.key, cert: cert.cert });
    try {
      tlsFake.add("db-password", VALUES[0]!);
      kube.setSecret("team", "fx", { apiKey: tlsFake.apiKey });
      const trusted = await client({ apiUrl: tlsFake.url, caBundle: Buffer.from(cert.caCert).toString("base64") });
      assert.equal((await trusted.getSecret({ key: "db-password" })).toString(), VALUES[0]);
      const untrusted = await client({ apiUrl: tlsFake.url });
      await assert.rejects(untrusted.getSecret({ key: "db-password" }), /request failed/);
    } finally {
      await tlsFake.close();
    }
  });

  test("tenancy: a SecretStore may not read the API key from another namespace", async () => {
    kube.setSecret("other", "fx", { apiKey: fake.apiKey });
    await assert.rejects(
      client({ apiKey: { secretRef: { name: "fx", namespace: "other", key: "apiKey" } } }),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
    assert.equal(fake.requests.length, 0);
  });
});
