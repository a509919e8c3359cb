/**
 * The infisical provider through the running controllers, against the loopback Infisical fake: the store becomes
 * Ready, the ExternalSecret syncs, and not found, bad credentials, throttling and server errors each end in a
 * Ready=False condition naming the cause while the Secret keeps its data and resourceVersion; each recovers.
 * A SecretStore that would present the operator's own ServiceAccount token is not ready and sends nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type InfisicalFake, startInfisicalFake } from "../fakes/infisical-server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  decoded,
  EXTERNAL_SECRETS,
  externalSecret,
  forceSync,
  readyCondition,
  SECRET_STORES,
  SECRETS,
  secretManifest,
  useHarness,
} from "../support/world.js";

const MANY = 10_000;
const CLIENT_ID = "e2e-client-id";
const CLIENT_SECRET = "e2e-client-secret";
const VALUE = "infisical-db-pw";

const h = useHarness();
let fake: InfisicalFake;

before(async () => {
  fake = await startInfisicalFake();
  fake.logins.set("universal-auth", (b) =>
    b.clientId === CLIENT_ID && b.clientSecret === CLIENT_SECRET ? "identity-e2e" : undefined,
  );
  fake.logins.set("kubernetes-auth", () => "identity-k8s");
  fake.addProject("shop", "prod", { "/app/DB_PASSWORD": VALUE });
});
after(() => fake.close());

async function putCreds(ns: string, clientSecret: string): Promise<void> {
  const body = secretManifest(ns, "creds", { clientId: CLIENT_ID, clientSecret });
  const live = await h.client.get(SECRETS, ns, "creds");
  if (live) await h.client.update(SECRETS, { ...live, data: body.data });
  else await h.client.create(SECRETS, body);
}

const storeCondition = (ns: string, name: string) =>
  eventually(
    async () => {
      const c = await readyCondition(h, SECRET_STORES, ns, name);
      return c?.status ? c : undefined;
    },
    { timeoutMs: 30_000, what: `store ${ns}/${name} validated` },
  );

const untilReady = (ns: string, status: "True" | "False", what: string) =>
  eventually(
    async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, ns, "app");
      return c?.status === status ? c : undefined;
    },
    { timeoutMs: 30_000, what },
  );

function store(ns: string, name: string, auth: Record<string, unknown>) {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name, namespace: ns },
    spec: {
      provider: {
        infisical: {
          hostAPI: `${fake.url}/api`,
          auth,
          secretsScope: { projectSlug: "shop", environmentSlug: "prod", secretsPath: "/app" },
        },
      },
    },
  };
}

describe("infisical end to end", () => {
  it("syncs, and each failure leaves the Secret alone with a Ready=False condition naming the cause", async () => {
    const ns = "p-infisical";
    await createNamespace(h, ns);
    await putCreds(ns, CLIENT_SECRET);
    await h.client.create(
      SECRET_STORES,
      store(ns, "store", {
        universalAuthCredentials: {
          clientId: { name: "creds", key: "clientId" },
          clientSecret: { name: "creds", key: "clientSecret" },
        },
      }),
    );
    const ready = await storeCondition(ns, "store");
    assert.equal(ready.status, "True", `store: ${ready.message}`);

    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("app", ns, {
        refreshInterval: "1h",
        secretStoreRef: { name: "store", kind: "SecretStore" },
        target: { name: "app" },
        data: [{ secretKey: "value", remoteRef: { key: "DB_PASSWORD" } }],
      }),
    );
    assert.equal((await untilReady(ns, "True", "synced")).reason, "SecretSynced");
    let rv = (await h.client.get(SECRETS, ns, "app")).metadata.resourceVersion;
    assert.deepEqual(decoded(await h.client.get(SECRETS, ns, "app")), { value: VALUE });

    const expectFailure = async (pattern: RegExp, what: string) => {
      const c = await untilReady(ns, "False", what);
      assert.equal(c.reason, "SecretSyncedError");
      assert.match(c.message ?? "", pattern, `${what}: ${c.message}`);
      for (const secret of [VALUE, CLIENT_SECRET, ...fake.tokens.keys()]) {
        assert.ok(!(c.message ?? "").includes(secret), `${what}: message leaks a value`);
      }
      const live = await h.client.get(SECRETS, ns, "app");
      assert.equal(live.metadata.resourceVersion, rv, `${what}: Secret was written`);
      assert.deepEqual(decoded(live), { value: VALUE });
    };
    const recover = async (what: string, patch?: (es: any) => void) => {
      await forceSync(h, ns, "app", patch);
      await untilReady(ns, "True", `recovered from ${what}`);
      const live = await eventually(
        async () => {
          const s = await h.client.get(SECRETS, ns, "app");
          const es = await h.client.get(EXTERNAL_SECRETS, ns, "app");
          return s?.metadata.annotations?.["force-sync"] === es.metadata.annotations["force-sync"] ? s : undefined;
        },
        { timeoutMs: 30_000, what: `Secret carries the new stamp after ${what}` },
      );
      assert.deepEqual(decoded(live), { value: VALUE });
      rv = live.metadata.resourceVersion;
    };

    await forceSync(h, ns, "app", (es) => {
      es.spec.data[0].remoteRef = { key: "NO_SUCH_SECRET" };
    });
    await expectFailure(/not found/i, "not found");
    assert.match((await readyCondition(h, EXTERNAL_SECRETS, ns, "app"))?.message ?? "", /\/app\/NO_SUCH_SECRET/);
    await recover("not found", (es) => {
      es.spec.data[0].remoteRef = { key: "DB_PASSWORD" };
    });

    await putCreds(ns, "revoked-client-secret");
    await forceSync(h, ns, "app");
    await expectFailure(/authentication failed: .*universal-auth login/, "auth failure");
    await putCreds(ns, CLIENT_SECRET);
    await recover("auth failure");

    for (const [status, pattern] of [
      [429, /throttled by the provider: /],
      [503, /HTTP 503/],
    ] as const) {
      fake.faults.push(...Array.from({ length: MANY }, () => status));
      await forceSync(h, ns, "app");
      await expectFailure(pattern, `HTTP ${status}`);
      fake.faults.length = 0;
      await recover(`HTTP ${status}`);
    }
  });

  it("a SecretStore with kubernetesAuthCredentials is not ready and never reaches Infisical", async () => {
    const ns = "p-infisical-k8s";
    await createNamespace(h, ns);
    await h.client.create(SECRETS, secretManifest(ns, "ids", { identityId: "id-1" }));
    const logins = () => fake.requests.filter((r) => r.path === "/api/v1/auth/kubernetes-auth/login").length;
    const before = logins();
    await h.client.create(
      SECRET_STORES,
      store(ns, "k8s", { kubernetesAuthCredentials: { identityId: { name: "ids", key: "identityId" } } }),
    );
    const c = await storeCondition(ns, "k8s");
    assert.equal(c.status, "False");
    assert.match(c.message ?? "", /kubernetesAuthCredentials: a SecretStore must set/);
    assert.equal(logins(), before);
  });
});
