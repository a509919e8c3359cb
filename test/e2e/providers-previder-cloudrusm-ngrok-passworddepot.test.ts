/**
 * The previder, cloudrusm and passworddepot providers through the running controllers and the in-process API
 * server: a SecretStore pointed at the provider's loopback fake becomes Ready, an ExternalSecret syncs, and not
 * found, bad credentials, throttling and server errors each end in a Ready=False condition naming the cause while
 * the Secret keeps its data and resourceVersion; each case recovers afterwards. ngrok, a PushSecret target only,
 * pushes (create, update with its checksum) and deletes with the PushSecret.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { PUSH_SECRETS } from "../../src/kube/index.js";
import { type CloudruFake, startCloudruFake } from "../fakes/cloudrusm-server.js";
import { type NgrokFake, startNgrokFake } from "../fakes/ngrok-server.js";
import { type PasswordDepotFake, startPasswordDepotFake } from "../fakes/passworddepot-server.js";
import { type PreviderFake, startPreviderFake } from "../fakes/previder-server.js";
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
  setEnv,
  useHarness,
} from "../support/world.js";

const EXPECT = {
  notFound: /not found|does not exist|404/i,
  auth: /authentication failed: /,
  throttle: /throttled by the provider: /,
  server: /server error|internal|unavailable|50[0-3]/i,
};

interface ProviderCase {
  name: string;
  secrets: () => Record<string, Record<string, string>>;
  provider: () => Record<string, unknown>;
  remoteRef: { key: string; property?: string };
  missingKey: string;
  expected: string;
  badCredentials: () => Record<string, Record<string, string>>;
  fault(kind: "throttle" | "server"): void;
  clear(): void;
}

const PROJECT = "5f0b8c86-1b3e-4c39-9d57-3c5d9b0b1a77";
const MANY = 10_000;
const repeat = (status: number) => Array.from({ length: MANY }, () => status);

let pv: PreviderFake;
let csm: CloudruFake;
let pd: PasswordDepotFake;
let ng: NgrokFake;
let restoreEnv: () => void;

before(async () => {
  pv = await startPreviderFake();
  pv.tokens.set("pv-token", "ReadOnly");
  pv.secrets.set("b1e2", { name: "db-password", value: "pv-pw" });

  csm = await startCloudruFake();
  csm.keys.set("e2e-key", "e2e-key-secret");
  csm.addSecret(PROJECT, "app/db", [JSON.stringify({ password: "csm-pw" })]);

  pd = await startPasswordDepotFake();
  pd.users.set("eso", "pd-password");
  pd.databases.push({
    name: "Production",
    fingerprint: "db-1",
    entries: [{ fingerprint: "e-1", name: "postgres", fields: { login: "app", pass: "pd-pw" } }],
  });

  ng = await startNgrokFake();
  ng.apiKeys.add("ng-key");
  ng.addVault("eso");

  restoreEnv = setEnv({ CLOUDRU_IAM_URL: csm.url, CLOUDRU_CSM_URL: csm.url, PASSWORDDEPOT_API_URL: pd.url });
});

const h = useHarness();

after(async () => {
  restoreEnv();
  await Promise.all([pv.close(), csm.close(), pd.close(), ng.close()]);
});

const CASES: ProviderCase[] = [
  {
    name: "previder",
    secrets: () => ({ pv: { token: "pv-token" } }),
    provider: () => ({
      previder: { baseUri: pv.url, auth: { secretRef: { accessToken: { name: "pv", key: "token" } } } },
    }),
    remoteRef: { key: "db-password" },
    missingKey: "absent-secret",
    expected: "pv-pw",
    badCredentials: () => ({ pv: { token: "revoked-token" } }),
    fault: (kind) => pv.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      pv.faults.length = 0;
    },
  },
  {
    name: "cloudrusm",
    secrets: () => ({ csm: { id: "e2e-key", secret: "e2e-key-secret" } }),
    provider: () => ({
      cloudrusm: {
        projectID: PROJECT,
        auth: {
          secretRef: {
            accessKeyIDSecretRef: { name: "csm", key: "id" },
            accessKeySecretSecretRef: { name: "csm", key: "secret" },
          },
        },
      },
    }),
    remoteRef: { key: "app/db", property: "password" },
    missingKey: "app/absent",
    expected: "csm-pw",
    badCredentials: () => ({ csm: { id: "e2e-key", secret: "wrong-key-secret" } }),
    fault: (kind) => csm.faults.push(...repeat(kind === "throttle" ? 429 : 503)),
    clear: () => {
      csm.faults.length = 0;
    },
  },
  {
    name: "passworddepot",
    secrets: () => ({ pd: { username: "eso", password: "pd-password" } }),
    provider: () => ({
      passworddepot: {
        host: "depot.example",
        database: "Production",
        auth: { secretRef: { credentials: { name: "pd" } } },
      },
    }),
    remoteRef: { key: "postgres", property: "pass" },
    missingKey: "absent-entry",
    expected: "pd-pw",
    badCredentials: () => ({ pd: { username: "eso", password: "wrong-password" } }),
    fault: (kind) => pd.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      pd.faults.length = 0;
    },
  },
];

async function putSecrets(ns: string, secrets: Record<string, Record<string, string>>): Promise<void> {
  for (const [name, data] of Object.entries(secrets)) {
    const body = secretManifest(ns, name, data);
    const live = await h.client.get(SECRETS, ns, name);
    if (live) await h.client.update(SECRETS, { ...live, data: body.data });
    else await h.client.create(SECRETS, body);
  }
}

async function untilReadyStatus(ns: string, status: "True" | "False", what: string) {
  return eventually(
    async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, ns, "app");
      return c?.status === status ? c : undefined;
    },
    { timeoutMs: 30_000, what },
  );
}

async function createStore(ns: string, provider: Record<string, unknown>) {
  await h.client.create(SECRET_STORES, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "store", namespace: ns },
    spec: { provider },
  });
  return eventually(
    async () => {
      const c = await readyCondition(h, SECRET_STORES, ns, "store");
      return c?.status ? c : undefined;
    },
    { timeoutMs: 30_000, what: `${ns} store validated` },
  );
}

describe("previder, cloudrusm and passworddepot end to end: success and failure conditions", () => {
  for (const pc of CASES) {
    it(pc.name, async () => {
      const ns = `p-${pc.name}`;
      await createNamespace(h, ns);
      await putSecrets(ns, pc.secrets());
      const store = await createStore(ns, pc.provider());
      assert.equal(store.status, "True", `${pc.name} store: ${store.message}`);

      await h.client.create(
        EXTERNAL_SECRETS,
        externalSecret("app", ns, {
          refreshInterval: "1h",
          secretStoreRef: { name: "store", kind: "SecretStore" },
          target: { name: "app" },
          data: [{ secretKey: "value", remoteRef: pc.remoteRef }],
        }),
      );
      const ok = await untilReadyStatus(ns, "True", `${pc.name} synced`);
      assert.equal(ok.reason, "SecretSynced");
      const good = await h.client.get(SECRETS, ns, "app");
      assert.deepEqual(decoded(good), { value: pc.expected });
      let rv = good.metadata.resourceVersion;

      const expectFailure = async (pattern: RegExp, what: string) => {
        const c = await untilReadyStatus(ns, "False", `${pc.name}: ${what}`);
        assert.equal(c.reason, "SecretSyncedError", `${pc.name} ${what}`);
        assert.match(c.message ?? "", pattern, `${pc.name} ${what}: ${c.message}`);
        assert.ok(!(c.message ?? "").includes(pc.expected), `${pc.name} ${what}: message leaks the value`);
        const live = await h.client.get(SECRETS, ns, "app");
        assert.equal(live.metadata.resourceVersion, rv, `${pc.name} ${what}: Secret was written`);
        assert.deepEqual(decoded(live), { value: pc.expected });
      };
      const recover = async (what: string, patch?: (es: any) => void) => {
        await forceSync(h, ns, "app", patch);
        await untilReadyStatus(ns, "True", `${pc.name} recovered from ${what}`);
        const live = await eventually(
          async () => {
            const s = await h.client.get(SECRETS, ns, "app");
            return s?.metadata.annotations?.["force-sync"] ===
              (await h.client.get(EXTERNAL_SECRETS, ns, "app")).metadata.annotations["force-sync"]
              ? s
              : undefined;
          },
          { timeoutMs: 30_000, what: `${pc.name} Secret carries the new stamp` },
        );
        assert.deepEqual(decoded(live), { value: pc.expected });
        rv = live.metadata.resourceVersion;
      };

      await forceSync(h, ns, "app", (es) => {
        es.spec.data[0].remoteRef = { ...pc.remoteRef, key: pc.missingKey };
      });
      await expectFailure(EXPECT.notFound, "not found");
      assert.ok(
        (await readyCondition(h, EXTERNAL_SECRETS, ns, "app"))?.message?.includes(pc.missingKey),
        "the message names the missing key",
      );
      await recover("not found", (es) => {
        es.spec.data[0].remoteRef = pc.remoteRef;
      });

      await putSecrets(ns, pc.badCredentials());
      await forceSync(h, ns, "app");
      await expectFailure(EXPECT.auth, "auth failure");
      await putSecrets(ns, pc.secrets());
      await recover("auth failure");

      for (const kind of ["throttle", "server"] as const) {
        pc.fault(kind);
        await forceSync(h, ns, "app");
        await expectFailure(EXPECT[kind], kind);
        pc.clear();
        await recover(kind);
      }
    });
  }
});

describe("ngrok PushSecret end to end", () => {
  it("store Ready, pushes the value with its checksum, updates it, deletes it with the PushSecret", async () => {
    const ns = "p-ngrok-push";
    await createNamespace(h, ns);
    await putSecrets(ns, { ng: { key: "ng-key" }, source: { token: "push-v1" } });
    const store = await createStore(ns, {
      ngrok: { apiUrl: ng.url, auth: { apiKey: { secretRef: { name: "ng", key: "key" } } }, vault: { name: "eso" } },
    });
    assert.equal(store.status, "True", `ngrok store: ${store.message}`);
    await h.client.create(PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "push", namespace: ns },
      spec: {
        refreshInterval: "1h",
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "store", kind: "SecretStore" }],
        selector: { secret: { name: "source" } },
        data: [{ match: { secretKey: "token", remoteRef: { remoteKey: "api-token" } } }],
      },
    });
    const remote = () => ng.secrets.find((s) => s.name === "api-token");
    const sha = (v: string) => createHash("sha256").update(v).digest("hex");
    await eventually(async () => remote()?.value === "push-v1", { timeoutMs: 30_000, what: "pushed to ngrok" });
    assert.deepEqual(JSON.parse(remote()!.metadata), { _sha256: sha("push-v1") });
    await putSecrets(ns, { source: { token: "push-v2" } });
    await eventually(async () => remote()?.value === "push-v2", { timeoutMs: 30_000, what: "updated in ngrok" });
    assert.equal(ng.secrets.filter((s) => s.name === "api-token").length, 1);
    await h.client.delete(PUSH_SECRETS, ns, "push");
    await eventually(async () => remote() === undefined, { timeoutMs: 30_000, what: "deleted from ngrok" });
  });
});
