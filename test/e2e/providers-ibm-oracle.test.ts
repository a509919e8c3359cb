/**
 * The ibm and oracle providers through the running controllers and the in-process API server: a SecretStore
 * pointed at the provider's loopback fake becomes Ready, an ExternalSecret syncs, and not found, bad
 * credentials, throttling and server errors each end in a Ready=False condition naming the cause while the
 * Secret keeps its data and resourceVersion; each case recovers afterwards. The oracle case also pushes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PUSH_SECRETS } from "../../src/kube/index.js";
import { ORACLE_ENDPOINT_ENV } from "../../src/providers/oracle/index.js";
import { type IbmFake, startIbmFake } from "../fakes/ibm-server.js";
import { FAKE_COMPARTMENT, FAKE_VAULT, type OracleFake, startOracleFake } from "../fakes/oracle-server.js";
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

const IBM_SECRET_ID = "3f0a3c2e-7a51-4c44-9d7e-1b2f6a8c9d01";
const MANY = 10_000;
const repeat = (status: number) => Array.from({ length: MANY }, () => status);

let ibm: IbmFake;
let oracle: OracleFake;
let oracleKey: { privateKeyPem: string; fingerprint: string };
let oracleOtherKey: { privateKeyPem: string; fingerprint: string };
let restoreEnv: () => void;

before(async () => {
  ibm = await startIbmFake();
  ibm.apiKeys.add("ibm-e2e-api-key");
  ibm.addSecret({
    id: IBM_SECRET_ID,
    name: "db",
    secret_type: "username_password",
    fields: { username: "u", password: "ibm-pw" },
  });

  oracle = await startOracleFake();
  oracleKey = oracle.addApiKey("ocid1.tenancy.oc1..e2e", "ocid1.user.oc1..e2e");
  oracleOtherKey = oracle.addApiKey("ocid1.tenancy.oc1..e2e", "ocid1.user.oc1..someone-else");
  oracle.addSecret({ name: "db-password", value: "oci-pw" });
  restoreEnv = setEnv({ [ORACLE_ENDPOINT_ENV]: oracle.url });
});

const h = useHarness();

after(async () => {
  await Promise.all([ibm.close(), oracle.close()]);
  restoreEnv();
});

const CASES: ProviderCase[] = [
  {
    name: "ibm",
    secrets: () => ({ ibm: { apiKey: "ibm-e2e-api-key" } }),
    provider: () => ({
      ibm: {
        serviceUrl: ibm.url,
        auth: { secretRef: { secretApiKeySecretRef: { name: "ibm", key: "apiKey" }, iamEndpoint: ibm.url } },
      },
    }),
    remoteRef: { key: `username_password/${IBM_SECRET_ID}`, property: "password" },
    missingKey: "username_password/0d6f5c1e-0000-4000-8000-00000000abcd",
    expected: "ibm-pw",
    badCredentials: () => ({ ibm: { apiKey: "ibm-wrong-key" } }),
    fault: (kind) => ibm.faults.push(...repeat(kind === "throttle" ? 429 : 503)),
    clear: () => {
      ibm.faults.length = 0;
    },
  },
  {
    name: "oracle",
    secrets: () => ({ oci: { key: oracleKey.privateKeyPem, fingerprint: oracleKey.fingerprint } }),
    provider: () => ({
      oracle: {
        region: "eu-frankfurt-1",
        vault: FAKE_VAULT,
        compartment: FAKE_COMPARTMENT,
        encryptionKey: "ocid1.key.oc1..e2e",
        auth: {
          tenancy: "ocid1.tenancy.oc1..e2e",
          user: "ocid1.user.oc1..e2e",
          secretRef: { privatekey: { name: "oci", key: "key" }, fingerprint: { name: "oci", key: "fingerprint" } },
        },
      },
    }),
    remoteRef: { key: "db-password" },
    missingKey: "no-such-secret",
    expected: "oci-pw",
    // A real key of another user, presented under this user's fingerprint: the signature does not verify.
    badCredentials: () => ({ oci: { key: oracleOtherKey.privateKeyPem, fingerprint: oracleKey.fingerprint } }),
    fault: (kind) => oracle.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      oracle.faults.length = 0;
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

describe("ibm and oracle end to end: success and failure conditions", () => {
  for (const pc of CASES) {
    it(pc.name, async () => {
      const ns = `p-${pc.name}`;
      await createNamespace(h, ns);
      await putSecrets(ns, pc.secrets());
      await h.client.create(SECRET_STORES, {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name: "store", namespace: ns },
        spec: { provider: pc.provider() },
      });
      const store = await eventually(
        async () => {
          const c = await readyCondition(h, SECRET_STORES, ns, "store");
          return c?.status ? c : undefined;
        },
        { timeoutMs: 30_000, what: `${pc.name} store validated` },
      );
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
        (await readyCondition(h, EXTERNAL_SECRETS, ns, "app"))?.message?.includes(pc.missingKey.split("/").at(-1)!),
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

describe("oracle PushSecret end to end", () => {
  it("creates the OCI secret, updates it on change, and schedules its deletion when the PushSecret goes", async () => {
    const ns = "p-oracle-push";
    await createNamespace(h, ns);
    await putSecrets(ns, { ...CASES[1]!.secrets(), source: { token: "push-v1" } });
    await h.client.create(SECRET_STORES, {
      apiVersion: "external-secrets.io/v1",
      kind: "SecretStore",
      metadata: { name: "store", namespace: ns },
      spec: { provider: { oracle: { ...(CASES[1]!.provider().oracle as object), deletionGracePeriod: "72h" } } },
    });
    await eventually(async () => (await readyCondition(h, SECRET_STORES, ns, "store"))?.status === "True", {
      timeoutMs: 30_000,
      what: "oracle push store Ready",
    });
    await h.client.create(PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "push", namespace: ns },
      spec: {
        refreshInterval: "1h",
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "store", kind: "SecretStore" }],
        selector: { secret: { name: "source" } },
        data: [{ match: { secretKey: "token", remoteRef: { remoteKey: "pushed-token" } } }],
      },
    });
    const remote = () => oracle.secrets.find((s) => s.name === "pushed-token");
    await eventually(async () => remote()?.versions.at(-1)?.toString() === "push-v1", {
      timeoutMs: 30_000,
      what: "pushed to OCI",
    });
    assert.equal(remote()!.keyId, "ocid1.key.oc1..e2e");
    await putSecrets(ns, { source: { token: "push-v2" } });
    await eventually(async () => remote()?.versions.at(-1)?.toString() === "push-v2", {
      timeoutMs: 30_000,
      what: "new value pushed",
    });
    assert.equal(remote()!.versions.length, 2);
    await h.client.delete(PUSH_SECRETS, ns, "push");
    await eventually(async () => remote()?.timeOfDeletion !== undefined, {
      timeoutMs: 30_000,
      what: "deletion scheduled",
    });
    const days = (Date.parse(remote()!.timeOfDeletion!) - Date.now()) / 86_400_000;
    assert.ok(days > 2.9 && days < 3.1, `deletion in ${days} days`);
  });
});
