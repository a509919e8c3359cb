/**
 * The `openBao` provider key end to end against a real OpenBao (dev mode, on loopback), through our controllers:
 * store readiness (login and the KV mount's type and version), KV v2 and v1 reads (properties, a pinned version,
 * extract), find by name under a path, and token, AppRole (roleRef) and userpass logins with a least-privilege
 * policy. The Kubernetes side is the in-process API server.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  createReadyStore,
  type Harness,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  startHarness,
} from "../support/world.js";
import { BaoApi } from "./providers/openbao-api.js";
import { realBinaries, realComponents } from "./providers/real-components.js";
import { syncedData } from "./providers/synced.js";

const NS = "bao-key";
const POLICY = `
path "secret/*" { capabilities = ["read", "list"] }
path "kv1/*" { capabilities = ["read", "list"] }
`;

let bao: { addr: string; token: string; dir: string; stop(): Promise<void> };
let api: BaoApi;
let h: Harness;

function baoStore(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace: NS },
    spec: { provider: { openBao: { server: bao.addr, path: "secret", version: "v2", ...spec } } },
  };
}

const synced = (name: string, spec: Record<string, unknown>) => syncedData(h, NS, name, spec);

before(async () => {
  const rc = await realComponents();
  bao = await rc.startOpenBao({ bao: (await realBinaries()).bao });
  api = new BaoApi(bao.addr, bao.token);
  await api.policy("eso-read", POLICY);
  await api.mount("kv1", "kv", { version: "1" });
  await api.putKv2("secret", "app/db", { username: "app", password: "pw-1", conn: { host: "db.local" } });
  await api.putKv2("secret", "app/db", { username: "app", password: "pw-2", conn: { host: "db.local" } });
  await api.putKv2("secret", "team/a-one", { v: "1" });
  await api.putKv2("secret", "team/a-two", { v: "2" });
  await api.putKv2("secret", "team/b-three", { v: "3" });
  await api.call("POST", "kv1/legacy", { user: "v1user" });
  h = await startHarness({ coalesceTtlMs: 0 });
  await createNamespace(h, NS);
  const child = await api.call("POST", "auth/token/create", { policies: ["eso-read"], ttl: "1h", no_parent: true });
  await h.client.create(SECRETS, secretManifest(NS, "bao-token", { token: child.auth.client_token }));
});

after(async () => {
  await h?.stop();
  await bao?.stop();
});

describe("openBao key: token auth", () => {
  before(async () => {
    const auth = { tokenSecretRef: { name: "bao-token", key: "token" } };
    await createReadyStore(h, baoStore("kv2", { auth }));
    await createReadyStore(h, baoStore("kv1", { path: "kv1", version: "v1", auth }));
  });

  it("KV v2: properties, a nested path, a pinned version and extract", async () => {
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

  it("KV v1 reads, and find by name under a path", async () => {
    const v1 = await synced("kv1-read", {
      secretStoreRef: { name: "kv1", kind: "SecretStore" },
      data: [{ secretKey: "user", remoteRef: { key: "legacy", property: "user" } }],
    });
    assert.equal(v1.user, "v1user");
    const found = await synced("kv2-find", {
      secretStoreRef: { name: "kv2", kind: "SecretStore" },
      dataFrom: [
        { find: { path: "team", name: { regexp: "^a-" } }, rewrite: [{ regexp: { source: "/", target: "_" } }] },
      ],
    });
    assert.deepEqual(Object.keys(found).sort(), ["team_a-one", "team_a-two"]);
    assert.deepEqual(JSON.parse(found["team_a-one"]!), { v: "1" });
  });

  it("a store whose mount has another KV version is not Ready, naming the mismatch", async () => {
    await h.client.create(
      SECRET_STORES,
      baoStore("wrong-version", {
        path: "kv1",
        version: "v2",
        auth: { tokenSecretRef: { name: "bao-token", key: "token" } },
      }),
    );
    const c = await eventually(
      async () => {
        const r = await readyCondition(h, SECRET_STORES, NS, "wrong-version");
        return r?.status === "False" ? r : undefined;
      },
      { timeoutMs: 30_000, what: "wrong-version store not Ready" },
    );
    assert.match(c.message ?? "", /expected kv engine version 2, found version 1/);
  });
});

describe("openBao key: AppRole and userpass logins", () => {
  before(async () => {
    await api.enableAuth("approle", "approle");
    await api.call("POST", "auth/approle/role/eso", { token_policies: ["eso-read"], token_ttl: "1h" });
    const roleId = (await api.call("GET", "auth/approle/role/eso/role-id")).data.role_id;
    const secretId = (await api.call("POST", "auth/approle/role/eso/secret-id")).data.secret_id;
    await h.client.create(SECRETS, secretManifest(NS, "approle", { "role-id": roleId, "secret-id": secretId }));
    await api.enableAuth("userpass", "userpass");
    await api.call("POST", "auth/userpass/users/eso", { password: "up-password", token_policies: ["eso-read"] });
    await h.client.create(SECRETS, secretManifest(NS, "userpass", { password: "up-password" }));
  });

  const read = (name: string, store: string) =>
    synced(name, {
      secretStoreRef: { name: store, kind: "SecretStore" },
      data: [{ secretKey: "password", remoteRef: { key: "app/db", property: "password" } }],
    });

  it("AppRole with role and secret ids from a Secret", async () => {
    await createReadyStore(
      h,
      baoStore("approle", {
        auth: {
          appRole: {
            path: "approle",
            roleRef: { name: "approle", key: "role-id" },
            secretRef: { name: "approle", key: "secret-id" },
          },
        },
      }),
    );
    assert.equal((await read("via-approle", "approle")).password, "pw-2");
  });

  it("userpass with the password from a Secret", async () => {
    await createReadyStore(
      h,
      baoStore("userpass", {
        auth: { userPass: { path: "userpass", username: "eso", secretRef: { name: "userpass", key: "password" } } },
      }),
    );
    assert.equal((await read("via-userpass", "userpass")).password, "pw-2");
  });
});
