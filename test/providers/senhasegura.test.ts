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
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { senhaseguraProvider } from "../../src/providers/senhasegura/index.js";
import { type SenhaseguraFake, startSenhaseguraFake } from "../fakes/senhasegura-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const CLIENT_SECRET = "ss-client-secret-1";
const VALUES = ["ss-db-password", "ss-api-token"];
const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));

describe("senhasegura provider", () => {
  let fake: SenhaseguraFake;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;

  before(async () => {
    fake = await startSenhaseguraFake();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.tokenRequests = 0;
    fake.clients.clear();
    fake.clients.set("eso-client", CLIENT_SECRET);
    fake.secrets.length = 0;
    fake.secrets.push(
      { identity: "db", data: [{ user: "app", password: VALUES[0]! }, { host: "db.internal" }] },
      { identity: "api", data: [{ token: VALUES[1]! }] },
    );
    kube = new MemoryKubeAccess().setSecret("team", "ss", { secret: CLIENT_SECRET });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "ss", namespace: "team" };
  });

  const spec = (extra: Record<string, unknown> = {}) =>
    ({
      url: fake.url,
      module: "DSM",
      ignoreSslCertificate: true,
      auth: { clientId: "eso-client", clientSecretSecretRef: { name: "ss", key: "secret" } },
      ...extra,
    }) as any;
  const client = (extra: Record<string, unknown> = {}): Promise<SecretsClient> =>
    senhaseguraProvider.newClient(spec(extra), ctx);

  test("store readiness: ready with the client credentials, not ready naming the cause with bad ones", async () => {
    assert.deepEqual(await (await client()).validate(), { ready: true });
    kube.setSecret("team", "ss", { secret: "wrong" });
    const r = await (await client()).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /senhasegura: OAuth2 token: authentication failed \(HTTP 401\)/);
  });

  test("validate(spec) names each bad field; HTTPS only; ignoring the certificate warns", () => {
    assert.deepEqual(
      senhaseguraProvider.validate(
        {
          url: "http://ss.example",
          module: "PAM",
          auth: { clientId: "", clientSecretSecretRef: { name: "s" } },
        } as any,
        "ClusterSecretStore",
      ).errors,
      [
        "spec.provider.senhasegura.url: invalid senhasegura URL, must be HTTPS for security reasons",
        "spec.provider.senhasegura.module: must be DSM",
        "spec.provider.senhasegura.auth.clientId: missing senhasegura authentication Client ID",
        "spec.provider.senhasegura.auth.clientSecretSecretRef.key: is required",
        "spec.provider.senhasegura.auth.clientSecretSecretRef.namespace: is required for a ClusterSecretStore",
      ],
    );
    assert.deepEqual(senhaseguraProvider.validate({ ...spec(), url: "nope" }, "SecretStore").errors, [
      "spec.provider.senhasegura.url: invalid senhasegura URL",
    ]);
    const ok = senhaseguraProvider.validate(spec(), "SecretStore");
    assert.deepEqual(ok.errors, []);
    assert.match(ok.warnings[0]!, /ignoreSslCertificate/);
  });

  test("reads by identity: the whole data list as JSON, a property, and the data as a map", async () => {
    const c = await client();
    assert.equal(
      (await c.getSecret({ key: "db" })).toString(),
      `[{"password":"${VALUES[0]}","user":"app"},{"host":"db.internal"}]`,
    );
    assert.equal((await c.getSecret({ key: "db", property: "host" })).toString(), "db.internal");
    assert.deepEqual(str(await c.getSecretMap({ key: "db" })), {
      user: "app",
      password: VALUES[0],
      host: "db.internal",
    });
  });

  test("one login per token lifetime, and a fresh login when the service rejects the token", async () => {
    const c = await client();
    await c.getSecret({ key: "api" });
    await (await client()).getSecret({ key: "api" });
    assert.equal(fake.tokenRequests, 1);
    fake.tokens.clear();
    assert.equal((await c.getSecret({ key: "api", property: "token" })).toString(), VALUES[1]);
    assert.equal(fake.tokenRequests, 2);
  });

  test("the server certificate is verified unless ignoreSslCertificate is set", async () => {
    const c = await client({ ignoreSslCertificate: false });
    await assert.rejects(c.getSecret({ key: "db" }), /request failed \(is the SSL certificate valid\?\)/);
    assert.equal(fake.tokenRequests, 0, "no credentials went to an unverified server");
  });

  test("find, push, exists and delete are refused: not implemented", async () => {
    const c = await client();
    assert.equal(senhaseguraProvider.capabilities(spec()), "ReadOnly");
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), NotSupportedError);
    await assert.rejects(c.pushSecret({} as any, { remoteRef: { remoteKey: "x" } }), /not implemented/);
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
  });

  test("failures: unknown identity and property name the key; 429, 5xx and application errors", async () => {
    const c = await client();
    await assert.rejects(
      c.getSecret({ key: "absent" }),
      (e: Error) => e instanceof NoSecretError && /"absent"/.test(e.message),
    );
    await assert.rejects(c.getSecretMap({ key: "absent" }), NoSecretError);
    await assert.rejects(
      c.getSecret({ key: "db", property: "nope" }),
      (e: Error) => e instanceof NoSecretError && /nope/.test(e.message),
    );
    fake.faults.push(429);
    await assert.rejects(c.getSecret({ key: "db" }), ProviderThrottledError);
    fake.faults.push(500);
    await assert.rejects(c.getSecret({ key: "db" }), /HTTP 500/);
    fake.faults.push({ status: 200, body: { response: { status: 200, error: true, error_code: 42 } } });
    await assert.rejects(c.getSecret({ key: "db" }), /application error from senhasegura \(error code 42\)/);
    fake.faults.push(403, 403);
    await assert.rejects(c.getSecret({ key: "db" }), ProviderAuthError);
  });

  test("no value, client secret or token appears in any error", async () => {
    const errors: string[] = [];
    const c = await client();
    await c.getSecret({ key: "db" });
    for (const f of [429, 500, 403]) {
      fake.faults.push(f, f);
      await c.getSecret({ key: "db" }).catch((e: Error) => errors.push(e.message));
    }
    await c.getSecret({ key: "db", property: "zzz" }).catch((e: Error) => errors.push(e.message));
    kube.setSecret("team", "ss", { secret: "wrong-secret" });
    await (await client()).validate().then((r) => errors.push(r.message ?? ""));
    assert.equal(errors.length, 5);
    for (const m of errors) {
      for (const s of [...VALUES, CLIENT_SECRET, "wrong-secret", ...fake.tokens]) assert.ok(!m.includes(s), m);
    }
  });

  test("tenancy: a SecretStore may not read the client secret from another namespace", async () => {
    kube.setSecret("other", "ss", { secret: CLIENT_SECRET });
    await assert.rejects(
      client({
        auth: { clientId: "eso-client", clientSecretSecretRef: { name: "ss", namespace: "other", key: "secret" } },
      }),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
    assert.equal(fake.requests.length, 0);
  });
});
