/**
 * The openBao provider (over the Vault fake: OpenBao keeps Vault's API) through the running controllers: the store
 * becomes Ready, an ExternalSecret syncs a property and dataFrom.find by path, and not found, a revoked token,
 * throttling and server errors each end in a Ready=False condition naming the cause while the Secret keeps its
 * data and resourceVersion; each recovers.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FakeVault } from "../fakes/vault-server.js";
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
const NS = "p-openbao";
const TOKEN = "s.openbao-e2e-token-5521";
const VALUE = "openbao-db-pw-e2e";
const MANY = 10_000;

const h = useHarness();
let bao: FakeVault;

before(async () => {
  bao = await new FakeVault().start();
  bao
    .addToken(TOKEN)
    .mountKv("secret", 2)
    .putSecret("secret", "prod/db", { password: VALUE })
    .putSecret("secret", "prod/cache", { password: "cache-pw" })
    .putSecret("secret", "dev/db", { password: "dev-pw" });
});
after(() => bao.stop());

async function putCreds(token: string): Promise<void> {
  const body = secretManifest(NS, "bao-token", { token });
  const live = await h.client.get(SECRETS, NS, "bao-token");
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

describe("openBao end to end", () => {
  it("syncs, reports each failure without touching the Secret, and recovers", async () => {
    await createNamespace(h, NS);
    await putCreds(TOKEN);
    await h.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "store", namespace: NS },
      spec: {
        provider: {
          openBao: { server: bao.url, path: "secret", auth: { tokenSecretRef: { name: "bao-token", key: "token" } } },
        },
      },
    });
    const store = await eventually(
      async () => {
        const c = await readyCondition(h, SECRET_STORES, NS, "store");
        return c?.status ? c : undefined;
      },
      { timeoutMs: 30_000, what: "openBao store validated" },
    );
    assert.equal(store.status, "True", `openBao store: ${store.message}`);
    const status = (await h.client.get(SECRET_STORES, NS, "store")).status;
    assert.equal(status.capabilities, "ReadOnly");

    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("found", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "store", kind: "SecretStore" },
        target: { name: "found" },
        dataFrom: [{ find: { path: "prod" }, rewrite: [{ regexp: { source: "/", target: "_" } }] }],
      }),
    );
    await untilReady("found", "True", "openBao find synced");
    assert.deepEqual(decoded(await h.client.get(SECRETS, NS, "found")), {
      prod_db: JSON.stringify({ password: VALUE }),
      prod_cache: JSON.stringify({ password: "cache-pw" }),
    });

    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("app", NS, {
        refreshInterval: "1h",
        secretStoreRef: { name: "store", kind: "SecretStore" },
        target: { name: "app" },
        data: [{ secretKey: "value", remoteRef: { key: "prod/db", property: "password" } }],
      }),
    );
    assert.equal((await untilReady("app", "True", "openBao synced")).reason, "SecretSynced");
    assert.deepEqual(decoded(await h.client.get(SECRETS, NS, "app")), { value: VALUE });
    let rv = (await h.client.get(SECRETS, NS, "app")).metadata.resourceVersion;

    const expectFailure = async (pattern: RegExp, what: string) => {
      const c = await untilReady("app", "False", `openBao: ${what}`);
      assert.equal(c.reason, "SecretSyncedError");
      assert.match(c.message ?? "", pattern, `openBao ${what}: ${c.message}`);
      for (const secret of [VALUE, TOKEN]) assert.ok(!(c.message ?? "").includes(secret), `${what}: leaks a value`);
      const live = await h.client.get(SECRETS, NS, "app");
      assert.equal(live.metadata.resourceVersion, rv, `openBao ${what}: Secret was written`);
      assert.deepEqual(decoded(live), { value: VALUE });
    };
    const recover = async (what: string, patch?: (es: any) => void) => {
      await forceSync(h, NS, "app", patch);
      await untilReady("app", "True", `openBao recovered from ${what}`);
      const live = await eventually(
        async () => {
          const s = await h.client.get(SECRETS, NS, "app");
          const es = await h.client.get(EXTERNAL_SECRETS, NS, "app");
          return s?.metadata.annotations?.["force-sync"] === es.metadata.annotations["force-sync"] ? s : undefined;
        },
        { timeoutMs: 30_000, what: `openBao Secret carries the new stamp after ${what}` },
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
      es.spec.data[0].remoteRef = { key: "prod/db", property: "password" };
    });

    await putCreds("s.revoked-token");
    await forceSync(h, NS, "app");
    await expectFailure(EXPECT.auth, "auth failure");
    await putCreds(TOKEN);
    await recover("auth failure");

    for (const kind of ["throttle", "server"] as const) {
      bao.fault("secret/", { status: kind === "throttle" ? 429 : 503 }, MANY);
      await forceSync(h, NS, "app");
      await expectFailure(EXPECT[kind], kind);
      bao.clearFaults();
      await recover(kind);
    }
  });
});
