import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { ClientCaches } from "../../src/providers/caches.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import { NEBIUS_ENDPOINT_ENV, nebiusMysteryboxProvider } from "../../src/providers/nebiusmysterybox/index.js";
import type { ProviderContext, SecretsClient } from "../../src/providers/provider.js";
import { FAKE_DOMAIN, type NebiusFake, startNebiusFake } from "../fakes/nebius-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";
import { setEnv } from "../support/world.js";

const str = (m: Record<string, Buffer>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.toString()]));
const PASSWORD = "mbx-db-password-7";
const BINARY = Buffer.from([0, 1, 2, 250, 251]);

describe("nebiusmysterybox provider", () => {
  let fake: NebiusFake;
  let restoreEnv: () => void;
  let kube: MemoryKubeAccess;
  let ctx: ProviderContext;
  let token: string;
  let sa: { account: string; credentialsJson: string };

  before(async () => {
    fake = await startNebiusFake();
    restoreEnv = setEnv({ [NEBIUS_ENDPOINT_ENV]: fake.address });
    sa = fake.newServiceAccount();
  });
  after(async () => {
    restoreEnv();
    await fake.close();
  });
  afterEach(() => (ctx.caches as ClientCaches).clear());
  beforeEach(() => {
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.tokens.clear();
    token = "iam-static-token";
    fake.tokens.add(token);
    fake.secrets.set("mbsec-db", {
      versions: [
        [
          "v2",
          [
            { key: "password", string: PASSWORD },
            { key: "blob", binary: BINARY },
            { key: "user", string: "app" },
          ],
        ],
        ["v1", [{ key: "password", string: "old" }]],
      ],
    });
    kube = new MemoryKubeAccess()
      .setSecret("ns", "nebius", { token, sa: sa.credentialsJson })
      .setSecret("ns", "ca", { "ca.crt": fake.caPem });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "mbx", namespace: "ns" };
  });

  const spec = (auth: Record<string, unknown> = { tokenSecretRef: { name: "nebius", key: "token" } }, extra = {}) =>
    ({ apiDomain: FAKE_DOMAIN, auth, caProvider: { certSecretRef: { name: "ca", key: "ca.crt" } }, ...extra }) as any;
  const client = (auth?: Record<string, unknown>, extra = {}): Promise<SecretsClient> =>
    nebiusMysteryboxProvider.newClient(spec(auth, extra), ctx);
  const saAuth = { serviceAccountCredsSecretRef: { name: "nebius", key: "sa" } };

  test("store readiness: service-account credentials exchange for a token; bad ones fail naming the cause", async () => {
    const c = await client(saAuth);
    assert.deepEqual(await c.validate(), { ready: true });
    assert.deepEqual(fake.requests, [`Exchange ${sa.account}`]);
    assert.equal((await c.getSecret({ key: "mbsec-db", property: "password" })).toString(), PASSWORD);
    const other = fake.newServiceAccount();
    fake.accounts.delete(JSON.parse(other.credentialsJson)["subject-credentials"].kid);
    kube.setSecret("ns", "nebius", { token, sa: other.credentialsJson });
    await assert.rejects(
      client(saAuth),
      (e: Error) => e instanceof ProviderAuthError && /exchange .*UNAUTHENTICATED/.test(e.message),
    );
    kube.setSecret("ns", "nebius", { token, sa: "{not json" });
    await assert.rejects(
      client(saAuth),
      (e: Error) => e instanceof StoreConfigError && /malformed JSON/.test(e.message),
    );
  });

  test("the exchanged token is reused by later clients of the same credentials", async () => {
    await client(saAuth);
    await client(saAuth);
    assert.equal(fake.requests.filter((r) => r.startsWith("Exchange")).length, 1);
  });

  test("validate names each bad field", () => {
    const errs = (s: any, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") =>
      nebiusMysteryboxProvider.validate(s, kind).errors;
    const f = "spec.provider.nebiusmysterybox";
    assert.deepEqual(errs({ auth: {} }), [
      `${f}.apiDomain: API domain must be set`,
      `${f}.auth: either serviceAccountCredsSecretRef or tokenSecretRef must be set`,
    ]);
    assert.deepEqual(errs({ apiDomain: "https://api.nebius.cloud", auth: { tokenSecretRef: { name: "t" } } }), [
      `${f}.apiDomain: API domain is not valid: scheme is not allowed`,
      `${f}.auth.tokenSecretRef.key: is required`,
    ]);
    assert.deepEqual(errs({ ...spec(), apiDomain: "127.0.0.1:443" }), [
      `${f}.apiDomain: API domain is not valid: numeric TLD is not allowed`,
    ]);
    assert.deepEqual(errs({ ...spec(), apiDomain: "localhost" }), [
      `${f}.apiDomain: API domain is not valid: domain must contain at least one dot`,
    ]);
    assert.deepEqual(errs(spec({ tokenSecretRef: { name: "a", key: "b" }, ...saAuth })), [
      `${f}.auth: invalid auth configuration: exactly one must be specified`,
    ]);
    assert.deepEqual(errs(spec(), "ClusterSecretStore"), [
      `${f}.auth.tokenSecretRef.namespace: is required for a ClusterSecretStore`,
      `${f}.caProvider.certSecretRef.namespace: is required for a ClusterSecretStore`,
    ]);
    assert.deepEqual(errs({ ...spec(), apiDomain: "api.nebius.cloud:443" }), []);
  });

  test("getSecret: one key (by GetByKey), a version, and the whole payload as Go JSON with base64 bytes", async () => {
    const c = await client();
    assert.equal((await c.getSecret({ key: "mbsec-db", property: "password" })).toString(), PASSWORD);
    assert.deepEqual(await c.getSecret({ key: "mbsec-db", property: "blob" }), BINARY);
    assert.equal((await c.getSecret({ key: "mbsec-db", property: "password", version: "v1" })).toString(), "old");
    assert.equal(
      (await c.getSecret({ key: "mbsec-db" })).toString(),
      `{"blob":"${BINARY.toString("base64")}","password":"${PASSWORD}","user":"app"}`,
    );
    assert.deepEqual(fake.requests, ["GetByKey mbsec-db", "GetByKey mbsec-db", "GetByKey mbsec-db", "Get mbsec-db"]);
  });

  test("getSecretMap returns raw values; find, push, exists and delete are not supported", async () => {
    const c = await client();
    const m = await c.getSecretMap({ key: "mbsec-db" });
    assert.deepEqual(m.blob, BINARY);
    assert.deepEqual(str({ password: m.password!, user: m.user! }), { password: PASSWORD, user: "app" });
    assert.deepEqual(str(await c.getSecretMap({ key: "mbsec-db", version: "v1" })), { password: "old" });
    await assert.rejects(c.getAllSecrets({ name: { regexp: "." } }), NotSupportedError);
    await assert.rejects(
      c.pushSecret({ name: "s", namespace: "ns", data: {} }, { remoteRef: { remoteKey: "x" } }),
      NotSupportedError,
    );
    await assert.rejects(c.secretExists({ remoteKey: "x" }), NotSupportedError);
    await assert.rejects(c.deleteSecret({ remoteKey: "x" }), NotSupportedError);
    assert.equal(nebiusMysteryboxProvider.capabilities(spec()), "ReadOnly");
  });

  test("failures: not found names secret, version or key; auth, throttling and server errors map; nothing leaks", async () => {
    const c = await client();
    const leaks = (e: Error) => [PASSWORD, token].some((s) => e.message.includes(s));
    const check = async (p: Promise<unknown>, cls: any, re: RegExp) =>
      assert.rejects(p, (e: Error) => e instanceof cls && re.test(e.message) && !leaks(e));
    await check(c.getSecret({ key: "nope" }), NoSecretError, /secret "nope" not found/);
    await check(
      c.getSecretMap({ key: "mbsec-db", version: "v9" }),
      NoSecretError,
      /version "v9" of secret "mbsec-db" not found/,
    );
    await check(
      c.getSecret({ key: "mbsec-db", property: "x" }),
      NoSecretError,
      /key "x" not found in secret "mbsec-db"/,
    );
    fake.faults.push(grpc.status.PERMISSION_DENIED);
    await check(c.getSecret({ key: "mbsec-db" }), ProviderAuthError, /PERMISSION_DENIED: authentication failed/);
    fake.faults.push(grpc.status.RESOURCE_EXHAUSTED);
    await check(c.getSecret({ key: "mbsec-db" }), ProviderThrottledError, /rate limited/);
    fake.faults.push(grpc.status.UNAVAILABLE);
    await check(c.getSecret({ key: "mbsec-db" }), Error, /get secret "mbsec-db": UNAVAILABLE/);
    fake.tokens.clear();
    await check(c.getSecret({ key: "mbsec-db" }), ProviderAuthError, /UNAUTHENTICATED/);
  });

  test("a call that hangs ends at the reconcile deadline; an untrusted server certificate is refused", async () => {
    fake.faults.push({ hang: true });
    const started = Date.now();
    ctx.deadline = Date.now() + 500;
    await assert.rejects((await client()).getSecret({ key: "mbsec-db" }), /DEADLINE_EXCEEDED/);
    assert.ok(Date.now() - started < 5000);
    ctx.deadline = undefined;
    const untrusted = await nebiusMysteryboxProvider.newClient({ ...spec(), caProvider: undefined }, ctx);
    await assert.rejects(untrusted.getSecret({ key: "mbsec-db" }), /UNAVAILABLE/);
  });

  test("tenancy: a SecretStore may not read credentials or the CA from another namespace", async () => {
    kube.setSecret("other", "nebius", { token });
    await assert.rejects(
      client({ tokenSecretRef: { name: "nebius", key: "token", namespace: "other" } }),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
    await assert.rejects(
      client(undefined, { caProvider: { certSecretRef: { name: "ca", key: "ca.crt", namespace: "other" } } }),
      (e: Error) => e instanceof StoreConfigError && /another namespace/.test(e.message),
    );
  });
});
