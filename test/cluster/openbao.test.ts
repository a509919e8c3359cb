/**
 * The Vault provider end to end against a real OpenBao (dev mode, on loopback), through our controllers:
 * KV v1 and v2 reads (properties, versions, extract, find by name/path/tags), token, AppRole, userpass and
 * JWT auth, OpenBao namespaces, PushSecret to KV v2 with custom_metadata, a VaultDynamicSecret issuing a
 * certificate from a real PKI engine, and short-lived tokens renewed or replaced without a failed sync.
 * The Kubernetes side is the in-process API server; the Kubernetes auth test runs against a real
 * kube-apiserver instead (see openbao-kubernetes.test.ts).
 */
import assert from "node:assert/strict";
import { createSign, generateKeyPairSync, X509Certificate } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { PUSH_SECRETS } from "../../src/kube/index.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  EXTERNAL_SECRETS,
  externalSecret,
  forceSync,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretData,
  secretManifest,
  startHarness,
} from "../support/world.js";
import { BaoApi } from "./providers/openbao-api.js";
import { realBinaries, realComponents } from "./providers/real-components.js";
import { syncedData } from "./providers/synced.js";

const NS = "bao";
const POLICY = `
path "secret/*" { capabilities = ["create", "read", "update", "patch", "delete", "list"] }
path "kv1/*" { capabilities = ["create", "read", "update", "delete", "list"] }
path "pki/issue/*" { capabilities = ["create", "update"] }
`;
const GENERATORS = (plural: string) => ({
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural,
  namespaced: true,
});

let bao: { addr: string; token: string; dir: string; stop(): Promise<void> };
let api: BaoApi;
let h: Harness;

function vaultStore(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace: NS },
    spec: { provider: { vault: { server: bao.addr, path: "secret", version: "v2", ...spec } } },
  };
}

/** Creates the ExternalSecret, waits until it is Ready and returns its Secret data. */
const synced = (name: string, spec: Record<string, unknown>, timeoutMs?: number) =>
  syncedData(h, NS, name, spec, timeoutMs);

function signJwt(privateKeyPem: string, claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${enc({ alg: "RS256", typ: "JWT" })}.${enc(claims)}`;
  return `${head}.${createSign("RSA-SHA256").update(head).sign(privateKeyPem, "base64url")}`;
}

before(async () => {
  const rc = await realComponents();
  bao = await rc.startOpenBao({ bao: (await realBinaries()).bao });
  api = new BaoApi(bao.addr, bao.token);
  await api.policy("eso", POLICY);
  await api.mount("kv1", "kv", { version: "1" });
  // No reuse of provider reads across reconciles: every sync reaches OpenBao (and its token checks).
  h = await startHarness({ coalesceTtlMs: 0 });
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "root-token", { token: bao.token }));
});

after(async () => {
  await h?.stop();
  await bao?.stop();
});

describe("KV reads with token auth", () => {
  before(async () => {
    const child = await api.call("POST", "auth/token/create", { policies: ["eso"], ttl: "1h", no_parent: true });
    await h.client.create(SECRETS, secretManifest(NS, "eso-token", { token: child.auth.client_token }));
    await createReadyStore(h, vaultStore("kv2", { auth: { tokenSecretRef: { name: "eso-token", key: "token" } } }));
    await createReadyStore(
      h,
      vaultStore("kv1", { path: "kv1", version: "v1", auth: { tokenSecretRef: { name: "eso-token", key: "token" } } }),
    );
  });

  it("KV v2: properties (nested too), a pinned version and dataFrom extract", async () => {
    await api.putKv2("secret", "app/db", { username: "app", password: "pw-1", conn: { host: "db.local" } });
    await api.putKv2("secret", "app/db", { username: "app", password: "pw-2", conn: { host: "db.local" } });
    const data = await synced("kv2-reads", {
      secretStoreRef: { name: "kv2", kind: "SecretStore" },
      data: [
        { secretKey: "password", remoteRef: { key: "app/db", property: "password" } },
        { secretKey: "first", remoteRef: { key: "app/db", property: "password", version: "1" } },
        { secretKey: "host", remoteRef: { key: "app/db", property: "conn.host" } },
      ],
      dataFrom: [{ extract: { key: "app/db" } }],
    });
    assert.equal(data.password, "pw-2");
    assert.equal(data.first, "pw-1");
    assert.equal(data.host, "db.local");
    assert.equal(data.username, "app");
    assert.deepEqual(JSON.parse(data.conn!), { host: "db.local" });
  });

  it("KV v2: a changed value is synced on the next refresh", async () => {
    await api.putKv2("secret", "app/rotating", { token: "t1" });
    const first = await synced("kv2-rotate", {
      secretStoreRef: { name: "kv2", kind: "SecretStore" },
      data: [{ secretKey: "token", remoteRef: { key: "app/rotating", property: "token" } }],
    });
    assert.equal(first.token, "t1");
    await api.putKv2("secret", "app/rotating", { token: "t2" });
    await forceSync(h, NS, "kv2-rotate");
    await eventually(async () => (await secretData(h, NS, "kv2-rotate")).token === "t2", {
      timeoutMs: 30_000,
      what: "t2 synced",
    });
  });

  it("KV v2: find by name regexp under a path, and by custom_metadata tags", async () => {
    await api.putKv2("secret", "team/a-one", { v: "1" });
    await api.putKv2("secret", "team/a-two", { v: "2" });
    await api.putKv2("secret", "team/b-three", { v: "3" });
    await api.call("POST", "secret/metadata/team/a-one", { custom_metadata: { env: "prod" } });
    await api.call("POST", "secret/metadata/team/b-three", { custom_metadata: { env: "prod" } });
    const byName = await synced("kv2-find", {
      secretStoreRef: { name: "kv2", kind: "SecretStore" },
      dataFrom: [
        { find: { path: "team", name: { regexp: "a-" } }, rewrite: [{ regexp: { source: "/", target: "_" } }] },
      ],
    });
    assert.deepEqual(byName, { "team_a-one": '{"v":"1"}', "team_a-two": '{"v":"2"}' });
    const byTags = await synced("kv2-find-tags", {
      secretStoreRef: { name: "kv2", kind: "SecretStore" },
      dataFrom: [{ find: { tags: { env: "prod" } }, rewrite: [{ regexp: { source: "/", target: "_" } }] }],
    });
    assert.deepEqual(byTags, { "team_a-one": '{"v":"1"}', "team_b-three": '{"v":"3"}' });
  });

  it("KV v1: properties and extract", async () => {
    await api.call("POST", "kv1/legacy/app", { user: "old", pass: "v1-pw" });
    const data = await synced("kv1-reads", {
      secretStoreRef: { name: "kv1", kind: "SecretStore" },
      data: [{ secretKey: "pw", remoteRef: { key: "legacy/app", property: "pass" } }],
      dataFrom: [{ extract: { key: "legacy/app" } }],
    });
    assert.deepEqual(data, { pw: "v1-pw", user: "old", pass: "v1-pw" });
  });

  it("a read the token's policy does not allow is a clear failure, with no Secret written", async () => {
    await api.call("POST", "sys/mounts/locked", { type: "kv", options: { version: "2" } });
    await api.putKv2("locked", "x", { v: "hidden" });
    await createReadyStore(
      h,
      vaultStore("locked", { path: "locked", auth: { tokenSecretRef: { name: "eso-token", key: "token" } } }),
    );
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("denied", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "locked", kind: "SecretStore" },
        data: [{ secretKey: "v", remoteRef: { key: "x", property: "v" } }],
      }),
    );
    const c = await eventually(
      async () => {
        const cond = await readyCondition(h, EXTERNAL_SECRETS, NS, "denied");
        return cond?.status === "False" ? cond : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.doesNotMatch(c.message ?? "", /hidden/);
    assert.equal(await h.client.get(SECRETS, NS, "denied"), undefined);
  });
});

describe("auth methods: AppRole, userpass, JWT", () => {
  before(async () => {
    await api.putKv2("secret", "auth/check", { who: "authenticated" });
  });

  const read = (name: string, store: string) =>
    synced(name, {
      secretStoreRef: { name: store, kind: "SecretStore" },
      data: [{ secretKey: "who", remoteRef: { key: "auth/check", property: "who" } }],
    });

  it("AppRole: role_id in the spec, secret_id from a Secret", async () => {
    await api.enableAuth("approle", "approle");
    await api.call("POST", "auth/approle/role/eso", { token_policies: ["eso"], token_ttl: "1h" });
    const roleId = (await api.call("GET", "auth/approle/role/eso/role-id")).data.role_id;
    const secretId = (await api.call("POST", "auth/approle/role/eso/secret-id")).data.secret_id;
    await h.client.create(SECRETS, secretManifest(NS, "approle", { "secret-id": secretId }));
    await createReadyStore(
      h,
      vaultStore("approle", {
        auth: { appRole: { path: "approle", roleId, secretRef: { name: "approle", key: "secret-id" } } },
      }),
    );
    assert.equal((await read("via-approle", "approle")).who, "authenticated");
  });

  it("userpass: password from a Secret", async () => {
    await api.enableAuth("userpass", "userpass");
    await api.call("POST", "auth/userpass/users/eso", { password: "up-password", token_policies: ["eso"] });
    await h.client.create(SECRETS, secretManifest(NS, "userpass", { password: "up-password" }));
    await createReadyStore(
      h,
      vaultStore("userpass", {
        auth: { userPass: { path: "userpass", username: "eso", secretRef: { name: "userpass", key: "password" } } },
      }),
    );
    assert.equal((await read("via-userpass", "userpass")).who, "authenticated");
  });

  it("userpass: a wrong password keeps the store not Ready, and the password stays out of its status", async () => {
    await h.client.create(SECRETS, secretManifest(NS, "userpass-bad", { password: "not-the-pw-Zq81" }));
    await h.client.create(
      SECRET_STORES,
      vaultStore("userpass-bad", {
        auth: { userPass: { path: "userpass", username: "eso", secretRef: { name: "userpass-bad", key: "password" } } },
      }),
    );
    const c = await eventually(
      async () => {
        const cond = await readyCondition(h, SECRET_STORES, NS, "userpass-bad");
        return cond?.status === "False" ? cond : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.match(c.message ?? "", /userpass|login|auth/i);
    assert.doesNotMatch(c.message ?? "", /Zq81/);
  });

  it("JWT: a token signed with the key OpenBao's jwt auth trusts", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pub = publicKey.export({ type: "spki", format: "pem" }).toString();
    const priv = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await api.enableAuth("jwt", "jwt");
    await api.call("POST", "auth/jwt/config", { jwt_validation_pubkeys: [pub], bound_issuer: "https://issuer.test" });
    await api.call("POST", "auth/jwt/role/eso", {
      role_type: "jwt",
      bound_audiences: ["openbao"],
      user_claim: "sub",
      token_policies: ["eso"],
    });
    const now = Math.floor(Date.now() / 1000);
    const jwt = signJwt(priv, {
      iss: "https://issuer.test",
      sub: "eso",
      aud: "openbao",
      iat: now,
      nbf: now - 5,
      exp: now + 3600,
    });
    await h.client.create(SECRETS, secretManifest(NS, "jwt", { token: jwt }));
    await createReadyStore(
      h,
      vaultStore("jwt", { auth: { jwt: { path: "jwt", role: "eso", secretRef: { name: "jwt", key: "token" } } } }),
    );
    assert.equal((await read("via-jwt", "jwt")).who, "authenticated");
  });
});

describe("OpenBao namespaces", () => {
  it("a store with spec.namespace reads the namespace's own mount and auth", async () => {
    await api.call("POST", "sys/namespaces/team-a", {});
    await api.call("POST", "sys/mounts/kv", { type: "kv", options: { version: "2" } }, "team-a");
    await api.putKv2("kv", "app", { scoped: "in-team-a" }, "team-a");
    await api.enableAuth("userpass", "userpass", "team-a");
    await api.policy("reader", `path "kv/*" { capabilities = ["read", "list"] }`, "team-a");
    await api.call(
      "POST",
      "auth/userpass/users/tenant",
      { password: "tenant-pw", token_policies: ["reader"] },
      "team-a",
    );
    await h.client.create(SECRETS, secretManifest(NS, "tenant", { password: "tenant-pw" }));
    await createReadyStore(
      h,
      vaultStore("team-a", {
        path: "kv",
        namespace: "team-a",
        auth: { userPass: { path: "userpass", username: "tenant", secretRef: { name: "tenant", key: "password" } } },
      }),
    );
    const data = await synced("namespaced", {
      secretStoreRef: { name: "team-a", kind: "SecretStore" },
      data: [{ secretKey: "scoped", remoteRef: { key: "app", property: "scoped" } }],
    });
    assert.equal(data.scoped, "in-team-a");
    assert.equal(await api.kv2("kv", "app"), undefined, "the root namespace has no such mount");
  });
});

describe("PushSecret to KV v2", () => {
  it("writes with custom_metadata, updates the value and deletes with deletionPolicy Delete", async () => {
    await createReadyStore(h, vaultStore("push", { auth: { tokenSecretRef: { name: "root-token", key: "token" } } }));
    await h.client.create(SECRETS, secretManifest(NS, "to-push", { password: "push-1" }));
    await h.client.create(PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "push", namespace: NS },
      spec: {
        refreshInterval: "1s",
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "push", kind: "SecretStore" }],
        selector: { secret: { name: "to-push" } },
        data: [
          {
            match: { secretKey: "password", remoteRef: { remoteKey: "pushed/app", property: "password" } },
            metadata: {
              apiVersion: "kubernetes.external-secrets.io/v1alpha1",
              kind: "PushSecretMetadata",
              spec: { customMetadata: { team: "payments" } },
            },
          },
        ],
      },
    });
    await eventually(async () => (await api.kv2("secret", "pushed/app"))?.password === "push-1", {
      timeoutMs: 30_000,
      what: "pushed",
    });
    const meta = (await api.call("GET", "secret/metadata/pushed/app")).data;
    assert.equal(meta.custom_metadata.team, "payments");
    assert.equal(meta.custom_metadata["managed-by"], "external-secrets");

    const s = await h.client.get(SECRETS, NS, "to-push");
    s.data.password = Buffer.from("push-2").toString("base64");
    await h.client.update(SECRETS, s);
    await eventually(async () => (await api.kv2("secret", "pushed/app"))?.password === "push-2", {
      timeoutMs: 30_000,
      what: "updated",
    });
    const versions = (await api.call("GET", "secret/metadata/pushed/app")).data.current_version;
    assert.equal(versions, 2, "one new version per change, none for unchanged syncs");

    await h.client.delete(PUSH_SECRETS, NS, "push");
    await eventually(async () => (await api.kv2("secret", "pushed/app")) === undefined, {
      timeoutMs: 30_000,
      what: "deleted from OpenBao",
    });
  });
});

describe("VaultDynamicSecret against the PKI engine", () => {
  it("issues a certificate signed by the mount's root CA", async () => {
    await api.mount("pki", "pki", undefined, { max_lease_ttl: "87600h" });
    const root = await api.call("POST", "pki/root/generate/internal", { common_name: "eso-test-root", ttl: "8760h" });
    await api.call("POST", "pki/roles/app", {
      allowed_domains: ["example.test"],
      allow_subdomains: true,
      max_ttl: "1h",
    });
    const child = await api.call("POST", "auth/token/create", { policies: ["eso"], ttl: "1h", no_parent: true });
    await h.client.create(SECRETS, secretManifest(NS, "pki-token", { token: child.auth.client_token }));
    await h.client.create(GENERATORS("vaultdynamicsecrets"), {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "VaultDynamicSecret",
      metadata: { name: "cert", namespace: NS },
      spec: {
        path: "pki/issue/app",
        method: "POST",
        parameters: { common_name: "svc.example.test", ttl: "10m" },
        provider: { server: bao.addr, auth: { tokenSecretRef: { name: "pki-token", key: "token" } } },
      },
    });
    const data = await synced("issued-cert", {
      dataFrom: [
        {
          sourceRef: {
            generatorRef: {
              apiVersion: "generators.external-secrets.io/v1alpha1",
              kind: "VaultDynamicSecret",
              name: "cert",
            },
          },
        },
      ],
    });
    const cert = new X509Certificate(data.certificate!);
    const ca = new X509Certificate(root.data.certificate);
    assert.match(cert.subject, /CN=svc\.example\.test/);
    assert.ok(cert.verify(ca.publicKey), "signed by the PKI root");
    assert.ok(data.private_key?.includes("PRIVATE KEY"));
    assert.equal(data.serial_number, cert.serialNumber.match(/../g)!.join(":").toLowerCase());
  });
});

describe("token expiry and renewal", () => {
  async function watchReady(names: string[], ms: number): Promise<string[]> {
    const failures: string[] = [];
    const end = Date.now() + ms;
    while (Date.now() < end) {
      for (const name of names) {
        const c = await readyCondition(h, EXTERNAL_SECRETS, NS, name);
        if (c?.status !== "True") failures.push(`${name}: ${c?.status} ${c?.reason} ${c?.message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return failures;
  }

  it("short-lived tokens are renewed, or replaced by a new login at their max TTL, without a failed sync", async () => {
    await api.putKv2("secret", "ttl/value", { v: "before" });
    // "renewable": 6 s tokens renewable up to 60 s (renewed in the last third of their life, and a sync runs every
    // second); "capped": 4 s tokens that cannot outlive 4 s. Each secret_id may be used 1000 times: what is left of
    // that counts the logins (OpenBao refuses audit devices enabled through the API).
    const roles = { renewable: ["6s", "60s"], capped: ["4s", "4s"] };
    for (const [role, [ttl, maxTtl]] of Object.entries(roles)) {
      await api.call("POST", `auth/approle/role/${role}`, {
        token_policies: ["eso"],
        token_ttl: ttl,
        token_max_ttl: maxTtl,
        secret_id_num_uses: 1000,
      });
      const roleId = (await api.call("GET", `auth/approle/role/${role}/role-id`)).data.role_id;
      const secretId = (await api.call("POST", `auth/approle/role/${role}/secret-id`)).data.secret_id;
      await h.client.create(SECRETS, secretManifest(NS, `approle-${role}`, { "secret-id": secretId }));
      await createReadyStore(
        h,
        vaultStore(`ttl-${role}`, {
          auth: { appRole: { path: "approle", roleId, secretRef: { name: `approle-${role}`, key: "secret-id" } } },
        }),
      );
      await synced(`ttl-${role}`, {
        refreshInterval: "1s",
        secretStoreRef: { name: `ttl-${role}`, kind: "SecretStore" },
        data: [{ secretKey: "v", remoteRef: { key: "ttl/value", property: "v" } }],
      });
    }
    const started = Date.now();
    const failures = await watchReady(["ttl-renewable", "ttl-capped"], 12_000);
    assert.deepEqual(failures, [], "no sync failed across token expiry");

    await api.putKv2("secret", "ttl/value", { v: "after" });
    for (const name of ["ttl-renewable", "ttl-capped"]) {
      await eventually(async () => (await secretData(h, NS, name)).v === "after", {
        timeoutMs: 15_000,
        what: `${name} still syncing`,
      });
    }
    const seconds = (Date.now() - started) / 1000;
    const logins = async (role: string) => {
      const ids = (await api.call("LIST", `auth/approle/role/${role}/secret-id`)).data.keys as string[];
      const left = await api.call("POST", `auth/approle/role/${role}/secret-id-accessor/lookup`, {
        secret_id_accessor: ids[0],
      });
      return 1000 - left.data.secret_id_num_uses;
    };
    // A renewable token is renewed in place (a second login only if a sync came late, after it expired).
    const renewableLogins = await logins("renewable");
    assert.ok(renewableLogins <= 2, `renewable tokens are renewed, not replaced (${renewableLogins} logins)`);
    const accessors = (await api.call("LIST", "auth/token/accessors")).data.keys as string[];
    let renewed = 0;
    for (const accessor of accessors) {
      const t = (await api.call("POST", "auth/token/lookup-accessor", { accessor })).data;
      if (t.meta?.role_name === "renewable" && t.last_renewal_time) renewed++;
    }
    assert.ok(renewed >= 1, "the renewable role's token was renewed");
    // A token at its max TTL cannot be renewed: new logins replace it, well before it expires, not one per sync.
    const capped = await logins("capped");
    assert.ok(capped >= 3, `capped tokens replaced by new logins (${capped} logins in ${seconds.toFixed(0)} s)`);
    assert.ok(
      capped < seconds * 0.6,
      `no login per sync (${capped} logins in ${seconds.toFixed(0)} s, a sync a second)`,
    );
  });
});
