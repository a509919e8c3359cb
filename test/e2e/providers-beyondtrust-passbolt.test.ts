/**
 * The beyondtrust (Password Safe), beyondtrustworkloadcredentials and passbolt providers through the running
 * controllers: each store becomes Ready, an ExternalSecret syncs, and not found, bad credentials, throttling and
 * server errors each end in a Ready=False condition naming the cause while the Secret keeps its data and
 * resourceVersion; each recovers.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as openpgp from "openpgp";
import { FAKE_SITE_ID, FakeBeyondtrust } from "../fakes/beyondtrust-server.js";
import { FakePassbolt } from "../fakes/passbolt-server.js";
import { FakePasswordSafe } from "../fakes/passwordsafe-server.js";
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
  server: /HTTP 50\d/i,
};
const MANY = 10_000;

const h = useHarness();
let psafe: FakePasswordSafe;
let btwc: FakeBeyondtrust;
let passbolt: FakePassbolt;
let strangerKey = "";

before(async () => {
  psafe = await new FakePasswordSafe().start();
  psafe.addApiKey("psafe-e2e-key").addManagedAccount("db01", "svc_app", "ps-account-pw-e2e");
  btwc = await new FakeBeyondtrust().addApiKey("btwc-e2e-key").start();
  btwc.putStatic("apps/db", { password: "btwc-db-pw-e2e", user: "app" });
  passbolt = await new FakePassbolt().start();
  strangerKey = (await openpgp.generateKey({ userIDs: [{ name: "stranger" }], format: "armored" })).privateKey;
});
after(async () => {
  await psafe.stop();
  await btwc.stop();
  await passbolt.stop();
});

async function putCreds(ns: string, data: Record<string, string>): Promise<void> {
  const body = secretManifest(ns, "creds", data);
  const live = await h.client.get(SECRETS, ns, "creds");
  if (live) await h.client.update(SECRETS, { ...live, data: body.data });
  else await h.client.create(SECRETS, body);
}

interface Case {
  ns: string;
  provider: Record<string, unknown>;
  creds: Record<string, string>;
  badCreds: Record<string, string>;
  key: string;
  property?: string;
  missingKey: string;
  value: string;
  secrets: string[];
  faults: { throttle: () => void; server: () => void; clear: () => void };
}

async function exercise(c: Case): Promise<void> {
  const untilReady = (name: string, status: "True" | "False", what: string) =>
    eventually(
      async () => {
        const cond = await readyCondition(h, EXTERNAL_SECRETS, c.ns, name);
        return cond?.status === status ? cond : undefined;
      },
      { timeoutMs: 30_000, what },
    );
  await createNamespace(h, c.ns);
  await putCreds(c.ns, c.creds);
  await h.client.create(SECRET_STORES, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "store", namespace: c.ns },
    spec: { provider: c.provider },
  });
  const store = await eventually(
    async () => {
      const cond = await readyCondition(h, SECRET_STORES, c.ns, "store");
      return cond?.status ? cond : undefined;
    },
    { timeoutMs: 30_000, what: `${c.ns} store validated` },
  );
  assert.equal(store.status, "True", `${c.ns} store: ${store.message}`);

  const ref = (key: string) => ({ key, ...(c.property ? { property: c.property } : {}) });
  await h.client.create(
    EXTERNAL_SECRETS,
    externalSecret("app", c.ns, {
      refreshInterval: "1h",
      secretStoreRef: { name: "store", kind: "SecretStore" },
      target: { name: "app" },
      data: [{ secretKey: "value", remoteRef: ref(c.key) }],
    }),
  );
  assert.equal((await untilReady("app", "True", `${c.ns} synced`)).reason, "SecretSynced");
  assert.deepEqual(decoded(await h.client.get(SECRETS, c.ns, "app")), { value: c.value });
  let rv = (await h.client.get(SECRETS, c.ns, "app")).metadata.resourceVersion;

  const expectFailure = async (pattern: RegExp, what: string) => {
    const cond = await untilReady("app", "False", `${c.ns}: ${what}`);
    assert.equal(cond.reason, "SecretSyncedError");
    assert.match(cond.message ?? "", pattern, `${c.ns} ${what}: ${cond.message}`);
    for (const s of c.secrets) assert.ok(!(cond.message ?? "").includes(s), `${c.ns} ${what}: leaks a value`);
    const live = await h.client.get(SECRETS, c.ns, "app");
    assert.equal(live.metadata.resourceVersion, rv, `${c.ns} ${what}: Secret was written`);
    assert.deepEqual(decoded(live), { value: c.value });
  };
  const recover = async (what: string, patch?: (es: any) => void) => {
    await forceSync(h, c.ns, "app", patch);
    await untilReady("app", "True", `${c.ns} recovered from ${what}`);
    const live = await eventually(
      async () => {
        const s = await h.client.get(SECRETS, c.ns, "app");
        const es = await h.client.get(EXTERNAL_SECRETS, c.ns, "app");
        return s?.metadata.annotations?.["force-sync"] === es.metadata.annotations["force-sync"] ? s : undefined;
      },
      { timeoutMs: 30_000, what: `${c.ns} Secret carries the new stamp after ${what}` },
    );
    assert.deepEqual(decoded(live), { value: c.value });
    rv = live.metadata.resourceVersion;
  };

  await forceSync(h, c.ns, "app", (es) => {
    es.spec.data[0].remoteRef = ref(c.missingKey);
  });
  await expectFailure(EXPECT.notFound, "not found");
  await recover("not found", (es) => {
    es.spec.data[0].remoteRef = ref(c.key);
  });

  await putCreds(c.ns, c.badCreds);
  await forceSync(h, c.ns, "app");
  await expectFailure(EXPECT.auth, "auth failure");
  await putCreds(c.ns, c.creds);
  await recover("auth failure");

  for (const kind of ["throttle", "server"] as const) {
    c.faults[kind]();
    await forceSync(h, c.ns, "app");
    await expectFailure(EXPECT[kind], kind);
    c.faults.clear();
    await recover(kind);
  }
}

const many = (list: unknown[], status: number) => () => list.push(...Array.from({ length: MANY }, () => status));

describe("beyondtrust and passbolt end to end", () => {
  it("beyondtrust (Password Safe managed account)", async () => {
    await exercise({
      ns: "p-beyondtrust",
      provider: {
        beyondtrust: {
          auth: { apiKey: { secretRef: { name: "creds", key: "apikey" } } },
          server: { apiUrl: psafe.apiUrl, verifyCA: true, retrievalType: "MANAGED_ACCOUNT" },
        },
      },
      creds: { apikey: "psafe-e2e-key" },
      badCreds: { apikey: "revoked-key" },
      key: "db01/svc_app",
      missingKey: "db01/nobody",
      value: "ps-account-pw-e2e",
      secrets: ["psafe-e2e-key", "revoked-key", "ps-account-pw-e2e"],
      faults: {
        throttle: many(psafe.faults, 429),
        server: many(psafe.faults, 503),
        clear: () => (psafe.faults.length = 0),
      },
    });
  });

  it("beyondtrustworkloadcredentials (static secret)", async () => {
    await exercise({
      ns: "p-btwc",
      provider: {
        beyondtrustworkloadcredentials: {
          auth: { apikey: { token: { name: "creds", key: "token" } } },
          server: { apiUrl: btwc.apiUrl, siteId: FAKE_SITE_ID },
          folderPath: "apps",
          caBundle: Buffer.from(btwc.caPem).toString("base64"),
        },
      },
      creds: { token: "btwc-e2e-key" },
      badCreds: { token: "revoked-token" },
      key: "db",
      property: "password",
      missingKey: "nope",
      value: "btwc-db-pw-e2e",
      secrets: ["btwc-e2e-key", "revoked-token", "btwc-db-pw-e2e"],
      faults: {
        throttle: many(btwc.faults, 429),
        server: many(btwc.faults, 503),
        clear: () => (btwc.faults.length = 0),
      },
    });
  });

  it("passbolt (GPGAuth login, one resource's password)", async () => {
    const id = passbolt.addResource({
      name: "db",
      username: "app",
      uri: "",
      description: "",
      slug: "password-and-description",
      secret: JSON.stringify({ password: "passbolt-pw-e2e", description: "" }),
    });
    await exercise({
      ns: "p-passbolt",
      provider: {
        passbolt: {
          host: passbolt.host,
          auth: {
            passwordSecretRef: { name: "creds", key: "password" },
            privateKeySecretRef: { name: "creds", key: "key" },
          },
          caBundle: Buffer.from(passbolt.caPem).toString("base64"),
        },
      },
      creds: { password: passbolt.passphrase, key: passbolt.userPrivateKey },
      badCreds: { password: "", key: strangerKey },
      key: id,
      property: "password",
      missingKey: "00000000-0000-4000-8000-000000000000",
      value: "passbolt-pw-e2e",
      secrets: ["passbolt-pw-e2e", passbolt.passphrase, "PRIVATE KEY"],
      faults: {
        throttle: many(passbolt.faults, 429),
        server: many(passbolt.faults, 503),
        clear: () => (passbolt.faults.length = 0),
      },
    });
  });
});
