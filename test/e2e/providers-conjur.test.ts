/**
 * The conjur provider through the running controllers: the store becomes Ready, an ExternalSecret syncs a
 * variable and dataFrom.find by annotations, and not found, bad credentials, throttling and server errors each end
 * in a Ready=False condition naming the cause while the Secret keeps its data and resourceVersion; each recovers.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConjurFake } from "../fakes/conjur-server.js";
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

const EXPECT = {
  notFound: /not found/i,
  auth: /authentication failed: /,
  throttle: /throttled by the provider: /,
  server: /server error|HTTP 50\d/i,
};
const NS = "p-conjur";
const API_KEY = "conjur-e2e-api-key-7731";
const VALUE = "conjur-db-pw-e2e";
const MANY = 10_000;

const h = useHarness();
let conjur: ConjurFake;

before(async () => {
  conjur = await new ConjurFake().start();
  conjur.apiKeys.set("host/eso", API_KEY);
  conjur
    .setVariable("prod/db/password", VALUE, { env: "prod" })
    .setVariable("prod/db/user", "app", { env: "prod" })
    .setVariable("dev/db/password", "dev-pw", { env: "dev" });
});
after(() => conjur.stop());

async function putCreds(apikey: string): Promise<void> {
  const body = secretManifest(NS, "conjur-creds", { hostid: "host/eso", apikey });
  const live = await h.client.get(SECRETS, NS, "conjur-creds");
  if (live) await h.client.update(SECRETS, { ...live, data: body.data });
  else await h.client.create(SECRETS, body);
}

const untilReady = (name: string, status: "True" | "False", what: string) =>
  eventually(
    async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, name);
      return c?.status === status ? c : undefined;
    },
    { timeoutMs: 30_000, what },
  );

describe("conjur end to end", () => {
  it("syncs, reports each failure without touching the Secret, and recovers", async () => {
    await createNamespace(h, NS);
    await putCreds(API_KEY);
    await h.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "store", namespace: NS },
      spec: {
        provider: {
          conjur: {
            url: conjur.url,
            auth: {
              apikey: {
                account: "myorg",
                userRef: { name: "conjur-creds", key: "hostid" },
                apiKeyRef: { name: "conjur-creds", key: "apikey" },
              },
            },
          },
        },
      },
    });
    const store = await eventually(
      async () => {
        const c = await readyCondition(h, SECRET_STORES, NS, "store");
        return c?.status ? c : undefined;
      },
      { timeoutMs: 30_000, what: "conjur store validated" },
    );
    assert.equal(store.status, "True", `conjur store: ${store.message}`);
    const status = (await h.client.get(SECRET_STORES, NS, "store")).status;
    assert.equal(status.capabilities, "ReadOnly");

    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("found", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "store", kind: "SecretStore" },
        target: { name: "found" },
        dataFrom: [{ find: { tags: { env: "prod" } }, rewrite: [{ regexp: { source: "/", target: "_" } }] }],
      }),
    );
    await untilReady("found", "True", "conjur find synced");
    assert.deepEqual(decoded(await h.client.get(SECRETS, NS, "found")), {
      prod_db_password: VALUE,
      prod_db_user: "app",
    });

    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("app", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "store", kind: "SecretStore" },
        target: { name: "app" },
        data: [{ secretKey: "value", remoteRef: { key: "prod/db/password" } }],
      }),
    );
    assert.equal((await untilReady("app", "True", "conjur synced")).reason, "SecretSynced");
    assert.deepEqual(decoded(await h.client.get(SECRETS, NS, "app")), { value: VALUE });
    let rv = (await h.client.get(SECRETS, NS, "app")).metadata.resourceVersion;

    const expectFailure = async (pattern: RegExp, what: string) => {
      const c = await untilReady("app", "False", `conjur: ${what}`);
      assert.equal(c.reason, "SecretSyncedError");
      assert.match(c.message ?? "", pattern, `conjur ${what}: ${c.message}`);
      for (const secret of [VALUE, API_KEY]) assert.ok(!(c.message ?? "").includes(secret), `${what}: leaks a value`);
      const live = await h.client.get(SECRETS, NS, "app");
      assert.equal(live.metadata.resourceVersion, rv, `conjur ${what}: Secret was written`);
      assert.deepEqual(decoded(live), { value: VALUE });
    };
    const recover = async (what: string, patch?: (es: any) => void) => {
      await forceSync(h, NS, "app", patch);
      await untilReady("app", "True", `conjur recovered from ${what}`);
      const live = await eventually(
        async () => {
          const s = await h.client.get(SECRETS, NS, "app");
          const es = await h.client.get(EXTERNAL_SECRETS, NS, "app");
          return s?.metadata.annotations?.["force-sync"] === es.metadata.annotations["force-sync"] ? s : undefined;
        },
        { timeoutMs: 30_000, what: `conjur Secret carries the new stamp after ${what}` },
      );
      assert.deepEqual(decoded(live), { value: VALUE });
      rv = live.metadata.resourceVersion;
    };

    await forceSync(h, NS, "app", (es) => {
      es.spec.data[0].remoteRef = { key: "prod/no-such" };
    });
    await expectFailure(EXPECT.notFound, "not found");
    assert.ok((await readyCondition(h, EXTERNAL_SECRETS, NS, "app"))?.message?.includes("prod/no-such"));
    await recover("not found", (es) => {
      es.spec.data[0].remoteRef = { key: "prod/db/password" };
    });

    await putCreds("revoked-api-key");
    await forceSync(h, NS, "app");
    await expectFailure(EXPECT.auth, "auth failure");
    await putCreds(API_KEY);
    await recover("auth failure");

    for (const kind of ["throttle", "server"] as const) {
      conjur.faults.push(...Array.from({ length: MANY }, () => (kind === "throttle" ? 429 : 503)));
      await forceSync(h, NS, "app");
      await expectFailure(EXPECT[kind], kind);
      conjur.faults.length = 0;
      await recover(kind);
    }
  });
});
