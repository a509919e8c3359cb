/**
 * The crd provider against a loopback Kubernetes API fake that authenticates tokens, authorizes every read
 * against its grants and honours impersonation: discovery, get, list, whitelist, keys by store kind, tenancy.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import type { CRDProvider } from "../../src/api/providers/crd.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { crdProvider } from "../../src/providers/crd/index.js";
import {
  NoSecretError,
  NotSupportedError,
  ProviderAuthError,
  ProviderThrottledError,
  StoreConfigError,
} from "../../src/providers/errors.js";
import type { ProviderContext, StoreKind } from "../../src/providers/provider.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { selfSignedCert } from "../fakes/azurekv-server.js";
import { FakeKubeApi } from "../fakes/crd-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const READER_TOKEN = "reader-token-0123456789";
const PASSWORD = "widget-pass-Zq81";
const tokens = new Map([
  [READER_TOKEN, "reader"],
  ["connector-token-9876543210", "connector"],
]);

let kube: MemoryKubeAccess;
let api: FakeKubeApi;
let tlsApi: FakeKubeApi;
let dir = "";
const tls = selfSignedCert("127.0.0.1");
const authenticate = (t: string) => tokens.get(t) ?? kube.verifyToken(t)?.sub;

function ctx(storeKind: StoreKind = "SecretStore", namespace = "team-a"): ProviderContext {
  return { kube, caches: new ClientCaches(), storeKind, storeName: "crd", namespace };
}

const WIDGET = { group: "example.io", version: "v1alpha1", kind: "Widget" };

function explicit(over: Partial<CRDProvider> = {}): CRDProvider {
  return {
    server: { url: api.url },
    auth: { token: { bearerToken: { name: "crd-token", key: "token" } } },
    resource: WIDGET,
    ...over,
  };
}

async function failure(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

function assertClean(message: string) {
  assert.doesNotMatch(message, new RegExp(`${PASSWORD}|${READER_TOKEN}|eyJ`));
}

before(async () => {
  kube = new MemoryKubeAccess()
    .setSecret("team-a", "crd-token", { token: READER_TOKEN })
    .setSecret("team-a", "connector", { token: "connector-token-9876543210" })
    .setSecret("team-b", "crd-token", { token: READER_TOKEN })
    .setServiceAccount("team-a", "widget-reader")
    .setServiceAccount("team-b", "widget-reader")
    .setServiceAccount("ops", "widget-reader");
  api = await new FakeKubeApi(authenticate).start();
  tlsApi = await new FakeKubeApi(authenticate, { key: tls.keyPem, cert: tls.certPem }).start();
  for (const a of [api, tlsApi]) {
    a.put("widgets", "team-a", "app-db", {
      spec: { user: "admin", password: PASSWORD, port: 5432, tags: ["a", "b"], html: "<b>&</b>" },
      status: [{ key: "rotationDate", val: "2024-01-01" }],
    })
      .put("widgets", "team-a", "app-cache", { spec: { password: "cache-pw" } })
      .put("widgets", "team-a", "other", { spec: { password: "other-pw" } })
      .put("widgets", "team-b", "app-db", { spec: { password: "team-b-pw" } })
      .put("gadgets", "", "global", { spec: { region: "eu" } })
      .put("configmaps", "team-a", "settings", { data: { mode: "fast" } })
      .grant("reader", "widgets", ["get", "list"], "team-a")
      .grant("reader", "configmaps", ["get"], "team-a")
      .grant("reader", "gadgets", ["get", "list"])
      .grant("system:serviceaccount:team-a:widget-reader", "widgets", ["get"], "team-a")
      .grant("system:serviceaccount:team-b:widget-reader", "widgets", ["get"], "team-b")
      .grant("system:serviceaccount:ops:widget-reader", "widgets", ["get", "list"]);
    a.impersonators.add("connector");
  }
});

after(async () => {
  await api.stop();
  await tlsApi.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  api.faults.length = 0;
  api.requests.length = 0;
});

describe("crd provider: spec validation", () => {
  test("valid specs; read-only", () => {
    assert.deepEqual(crdProvider.validate({ serviceAccountRef: { name: "r" }, resource: WIDGET }, "SecretStore"), {
      errors: [],
      warnings: [],
    });
    assert.equal(crdProvider.capabilities(explicit()), "ReadOnly");
    assert.match(crdProvider.validate(explicit(), "SecretStore").warnings[0] ?? "", /no caBundle or caProvider/);
  });

  test("each bad field is named", () => {
    const v = crdProvider.validate(
      {
        server: { url: "https://x" },
        auth: { token: {}, cert: {} },
        authRef: { name: "k", key: "k" },
        serviceAccountRef: { name: "r", namespace: "elsewhere" },
        resource: { group: "", version: "", kind: "secret" },
        whitelist: { rules: [{}, { name: "(" }] },
      } as CRDProvider,
      "SecretStore",
    );
    for (const field of [
      "auth: exactly one of",
      "auth.token.bearerToken",
      "at most one of auth or authRef",
      "serviceAccountRef.namespace",
      "resource.version",
      'resource.kind: kind "Secret" is not allowed',
      "whitelist.rules[0]: a rule must set",
      "whitelist.rules[1].name: invalid regexp",
    ]) {
      assert.ok(
        v.errors.some((e) => e.startsWith("spec.provider.crd") && e.includes(field)),
        `${field}: ${v.errors.join("; ")}`,
      );
    }
    const none = crdProvider.validate({ resource: WIDGET } as CRDProvider, "SecretStore");
    assert.deepEqual(none.errors, ["spec.provider.crd: one of serviceAccountRef, auth or authRef is required"]);
    const css = crdProvider.validate(explicit({ serviceAccountRef: { name: "r" } }), "ClusterSecretStore");
    assert.ok(css.errors.some((e) => e.includes("serviceAccountRef.namespace: is required to impersonate")));
  });
});

describe("crd provider: readiness", () => {
  test("ready when the identity may get the resource in the store's namespace", async () => {
    const c = await crdProvider.newClient(explicit(), ctx());
    assert.deepEqual(await c.validate(), { ready: true });
    assert.ok(api.requests.some((r) => r.path === "/apis/example.io/v1alpha1" && r.user === "reader"));
  });

  test("not ready without the permission, with a bad token, or when the kind is not served", async () => {
    let r = await (await crdProvider.newClient(explicit({ remoteNamespace: "team-b" }), ctx())).validate();
    assert.deepEqual(r, { ready: false, message: "crd: not allowed to get widgets in namespace team-b" });

    kube.setSecret("team-a", "bad-token", { token: "not-a-known-token" });
    r = await (
      await crdProvider.newClient(
        explicit({ auth: { token: { bearerToken: { name: "bad-token", key: "token" } } } }),
        ctx(),
      )
    ).validate();
    assert.equal(r.ready, false);
    assert.match(r.message ?? "", /discover example\.io\/v1alpha1: not authorized \(HTTP 401\)/);

    r = await (await crdProvider.newClient(explicit({ resource: { ...WIDGET, kind: "Doohickey" } }), ctx())).validate();
    assert.match(r.message ?? "", /kind "Doohickey" not found in group\/version "example\.io\/v1alpha1"/);
    r = await (await crdProvider.newClient(explicit({ resource: { ...WIDGET, group: "nope.io" } }), ctx())).validate();
    assert.match(r.message ?? "", /"nope\.io\/v1alpha1" is not served/);
  });
});

describe("crd provider: reads", () => {
  test("the whole object as JSON with sorted keys and Go's escaping; property is a gjson path", async () => {
    const c = await crdProvider.newClient(explicit(), ctx());
    const whole = (await c.getSecret({ key: "app-db" })).toString();
    assert.equal(JSON.parse(whole).spec.password, PASSWORD);
    assert.ok(
      whole.indexOf('"apiVersion"') < whole.indexOf('"kind"') && whole.indexOf('"kind"') < whole.indexOf('"metadata"'),
    );
    assert.match(whole, /\\u003cb\\u003e\\u0026\\u003c\/b\\u003e/);
    assert.equal((await c.getSecret({ key: "app-db", property: "spec.password" })).toString(), PASSWORD);
    assert.equal((await c.getSecret({ key: "app-db", property: "spec.port" })).toString(), "5432");
    assert.equal((await c.getSecret({ key: "app-db", property: "spec.tags" })).toString(), '["a","b"]');
    assert.equal(
      (await c.getSecret({ key: "app-db", property: 'status.#(key=="rotationDate").val' })).toString(),
      "2024-01-01",
    );
  });

  test("extract maps the top-level keys of the selected value; a non-object is kept under `value`", async () => {
    const c = await crdProvider.newClient(explicit(), ctx());
    const m = await c.getSecretMap({ key: "app-db", property: "spec" });
    assert.equal(m.password?.toString(), PASSWORD);
    assert.equal(m.port?.toString(), "5432");
    assert.deepEqual(Object.keys(await c.getSecretMap({ key: "app-db" })).sort(), [
      "apiVersion",
      "kind",
      "metadata",
      "spec",
      "status",
    ]);
    const v = await c.getSecretMap({ key: "app-db", property: "spec.user" });
    assert.deepEqual(Object.fromEntries(Object.entries(v).map(([k, b]) => [k, b.toString()])), { value: "admin" });
  });

  test("find lists the store's namespace by name regexp", async () => {
    const c = await crdProvider.newClient(explicit(), ctx());
    const all = await c.getAllSecrets({ name: { regexp: "^app-" } });
    assert.deepEqual(Object.keys(all).sort(), ["app-cache", "app-db"]);
    assert.equal(JSON.parse(all["app-cache"]!.toString()).spec.password, "cache-pw");
    const err = await failure(() => c.getAllSecrets({ tags: { a: "b" } }));
    assert.ok(err instanceof NotSupportedError);
  });

  test("cluster-scoped and core resources", async () => {
    const g = await crdProvider.newClient(explicit({ resource: { ...WIDGET, kind: "Gadget" } }), ctx());
    assert.equal((await g.getSecret({ key: "global", property: "spec.region" })).toString(), "eu");
    assert.deepEqual(Object.keys(await g.getAllSecrets({})), ["global"]);
    const cm = await crdProvider.newClient(
      explicit({ resource: { group: "", version: "v1", kind: "ConfigMap" } }),
      ctx(),
    );
    assert.equal((await cm.getSecret({ key: "settings", property: "data.mode" })).toString(), "fast");
  });

  test("keys by store kind: a SecretStore key has no '/'; a ClusterSecretStore names namespace/object", async () => {
    const ss = await crdProvider.newClient(explicit(), ctx());
    let err = await failure(() => ss.getSecret({ key: "team-b/app-db" }));
    assert.ok(err instanceof StoreConfigError);
    assert.match(err.message, /must not contain '\/' for a SecretStore/);

    kube.setSecret("ops", "crd-token", { token: "connector-token-9876543210" });
    api.grant("connector", "widgets", ["get", "list"]);
    const spec = explicit({
      auth: { token: { bearerToken: { name: "crd-token", key: "token", namespace: "ops" } } },
    });
    const css = await crdProvider.newClient(spec, ctx("ClusterSecretStore", "team-c"));
    assert.equal((await css.getSecret({ key: "team-b/app-db", property: "spec.password" })).toString(), "team-b-pw");
    err = await failure(() => css.getSecret({ key: "app-db" }));
    assert.match(err.message, /a ClusterSecretStore needs remoteRef.key as namespace\/objectName/);
    const listed = await css.getAllSecrets({ name: { regexp: "app-db$" } });
    assert.deepEqual(Object.keys(listed).sort(), ["team-a/app-db", "team-b/app-db"]);
    const narrowed = await crdProvider.newClient(
      { ...spec, remoteNamespace: "team-b" },
      ctx("ClusterSecretStore", "team-c"),
    );
    assert.deepEqual(Object.keys(await narrowed.getAllSecrets({})), ["app-db"]);

    const gadgets = await crdProvider.newClient(
      { ...spec, resource: { ...WIDGET, kind: "Gadget" } },
      ctx("ClusterSecretStore"),
    );
    err = await failure(() => gadgets.getSecret({ key: "x/global" }));
    assert.match(err.message, /cluster-scoped/);
  });

  test("push and delete are refused: read-only", async () => {
    const c = await crdProvider.newClient(explicit(), ctx());
    assert.ok(
      (await failure(() =>
        c.pushSecret({ name: "s", namespace: "team-a", data: {} }, { remoteRef: { remoteKey: "x" } }),
      )) instanceof NotSupportedError,
    );
    assert.ok((await failure(() => c.deleteSecret({ remoteKey: "x" }))) instanceof NotSupportedError);
    assert.equal(await c.secretExists({ remoteKey: "app-db" }), true);
    assert.equal(await c.secretExists({ remoteKey: "absent" }), false);
  });
});

describe("crd provider: whitelist", () => {
  test("a read must satisfy one rule; find and secretExists skip what no rule allows", async () => {
    const c = await crdProvider.newClient(
      explicit({
        whitelist: { rules: [{ name: "^app-cache$" }, { name: "^app-db$", properties: ["^spec\\.user$"] }] },
      }),
      ctx(),
    );
    assert.equal((await c.getSecret({ key: "app-db", property: "spec.user" })).toString(), "admin");
    for (const ref of [{ key: "app-db", property: "spec.password" }, { key: "app-db" }, { key: "other" }]) {
      const err = await failure(() => c.getSecret(ref));
      assert.ok(err instanceof StoreConfigError);
      assert.match(err.message, /denied by whitelist rules/);
    }
    assert.deepEqual(Object.keys(await c.getAllSecrets({})), ["app-cache"]);
    await assert.rejects(() => c.secretExists({ remoteKey: "other" }), /denied by whitelist/);
    assert.ok(!api.requests.some((r) => r.path.endsWith("/widgets/other")), "a denied object is never read");
  });

  test("namespace rules apply to ClusterSecretStores", async () => {
    api.grant("connector", "widgets", ["get", "list"]);
    const c = await crdProvider.newClient(
      explicit({
        auth: { token: { bearerToken: { name: "crd-token", key: "token", namespace: "ops" } } },
        whitelist: { rules: [{ namespace: "^team-a$" }] },
      }),
      ctx("ClusterSecretStore", "team-c"),
    );
    assert.equal((await c.getSecret({ key: "team-a/app-db", property: "spec.user" })).toString(), "admin");
    await assert.rejects(() => c.getSecret({ key: "team-b/app-db" }), /denied by whitelist/);
    assert.deepEqual(Object.keys(await c.getAllSecrets({})).sort(), [
      "team-a/app-cache",
      "team-a/app-db",
      "team-a/other",
    ]);
  });
});

describe("crd provider: failures", () => {
  test("not found, forbidden, throttled and server errors; no value or token in any message", async () => {
    const c = await crdProvider.newClient(explicit(), ctx());
    let err = await failure(() => c.getSecret({ key: "absent" }));
    assert.ok(err instanceof NoSecretError);
    assert.match(err.message, /Widget "team-a\/absent" not found/);
    err = await failure(() => c.getSecret({ key: "app-db", property: "spec.nope" }));
    assert.ok(err instanceof NoSecretError);
    assert.match(err.message, /property "spec.nope" not found in object "app-db"/);

    const other = await crdProvider.newClient(explicit({ remoteNamespace: "team-b" }), ctx());
    err = await failure(() => other.getSecret({ key: "app-db" }));
    assert.ok(err instanceof ProviderAuthError, err.message);
    err = await failure(() => other.getAllSecrets({}));
    assert.ok(err instanceof ProviderAuthError);
    assert.match(err.message, /not allowed to list widgets in namespace team-b/);

    await c.getSecret({ key: "app-db" });
    api.faults.push(429);
    err = await failure(() => c.getSecret({ key: "app-db" }));
    assert.ok(err instanceof ProviderThrottledError, err.message);
    api.faults.push(500);
    err = await failure(() => c.getSecret({ key: "app-db", property: "spec.password" }));
    assert.match(err.message, /crd: get Widget team-a\/app-db: HTTP 500/);
    for (const m of [err.message, (await c.validate()).message ?? ""]) assertClean(m);
  });
});

describe("crd provider: tenancy", () => {
  test("a SecretStore may not use credentials or ServiceAccounts of another namespace", async () => {
    let err = await failure(() =>
      crdProvider.newClient(
        explicit({ auth: { token: { bearerToken: { name: "crd-token", key: "token", namespace: "team-b" } } } }),
        ctx(),
      ),
    );
    assert.ok(err instanceof StoreConfigError);
    assert.match(err.message, /auth\.token\.bearerToken\.namespace: a SecretStore may not reference another namespace/);
    err = await failure(() =>
      crdProvider.newClient(
        { serviceAccountRef: { name: "widget-reader", namespace: "team-b" }, resource: WIDGET },
        ctx(),
      ),
    );
    assert.ok(err instanceof StoreConfigError);
    assert.match(err.message, /serviceAccountRef\.namespace: a SecretStore may not reference another namespace/);
  });

  test("explicit mode impersonates serviceAccountRef: the store's namespace, or the one a ClusterSecretStore names", async () => {
    const spec = explicit({
      auth: { token: { bearerToken: { name: "connector", key: "token" } } },
      serviceAccountRef: { name: "widget-reader" },
    });
    const c = await crdProvider.newClient(spec, ctx());
    assert.equal((await c.getSecret({ key: "app-db", property: "spec.user" })).toString(), "admin");
    assert.equal(api.requests.at(-1)?.impersonating, "system:serviceaccount:team-a:widget-reader");
    const err = await failure(() => crdProvider.newClient(spec, ctx("ClusterSecretStore")));
    assert.match(err.message, /serviceAccountRef\.namespace: is required to impersonate/);
  });

  describe("simple mode: the operator's cluster as the store's ServiceAccount", () => {
    const env = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "crd-sa-"));
      await writeFile(join(dir, "token"), "operator-own-token");
      await writeFile(join(dir, "ca.crt"), tls.certPem);
      configureTenantPolicy({ ownServiceAccountTokenPath: join(dir, "token") });
      process.env.KUBERNETES_SERVICE_HOST = "127.0.0.1";
      process.env.KUBERNETES_SERVICE_PORT = new URL(tlsApi.url).port;
    });
    after(() => {
      configureTenantPolicy();
      if (env.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = env.host;
      if (env.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = env.port;
    });

    test("a SecretStore reads with a token requested for its own ServiceAccount, over the mounted CA", async () => {
      const c = await crdProvider.newClient({ serviceAccountRef: { name: "widget-reader" }, resource: WIDGET }, ctx());
      assert.equal((await c.getSecret({ key: "app-db", property: "spec.user" })).toString(), "admin");
      assert.deepEqual(await c.validate(), { ready: true });
      assert.equal(tlsApi.requests.at(-1)?.user, "system:serviceaccount:team-a:widget-reader");
      assert.ok(!tlsApi.requests.some((r) => r.user === undefined && r.method === "GET"));
      assert.equal(kube.issued.at(-1)?.namespace, "team-a");
    });

    test("a ClusterSecretStore without the namespace uses each consumer's ServiceAccount (referent)", async () => {
      const spec: CRDProvider = { serviceAccountRef: { name: "widget-reader" }, resource: WIDGET };
      const b = await crdProvider.newClient(spec, ctx("ClusterSecretStore", "team-b"));
      assert.equal((await b.getSecret({ key: "team-b/app-db", property: "spec.password" })).toString(), "team-b-pw");
      const err = await failure(() => b.getSecret({ key: "team-a/app-db" }));
      assert.ok(err instanceof ProviderAuthError, "team-b's ServiceAccount cannot read team-a");
      const pinned = await crdProvider.newClient(
        { serviceAccountRef: { name: "widget-reader", namespace: "ops" }, resource: WIDGET },
        ctx("ClusterSecretStore", "team-b"),
      );
      assert.equal((await pinned.getSecret({ key: "team-a/app-db", property: "spec.user" })).toString(), "admin");
    });

    test("outside a cluster, simple mode is a configuration error", async () => {
      delete process.env.KUBERNETES_SERVICE_HOST;
      const err = await failure(() =>
        crdProvider.newClient({ serviceAccountRef: { name: "widget-reader" }, resource: WIDGET }, ctx()),
      );
      process.env.KUBERNETES_SERVICE_HOST = "127.0.0.1";
      assert.ok(err instanceof StoreConfigError);
      assert.match(err.message, /operator is not running in a cluster/);
    });
  });
});
