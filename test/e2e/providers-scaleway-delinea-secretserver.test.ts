/**
 * The scaleway, delinea (DevOps Secrets Vault) and secretserver providers through the running controllers and
 * the in-process API server: a SecretStore pointed at the provider's loopback fake becomes Ready, an
 * ExternalSecret syncs, and not found, bad credentials, throttling and server errors each end in a Ready=False
 * condition naming the cause while the Secret keeps its data and resourceVersion; each case recovers afterwards.
 * Scaleway and Secret Server also push (and delete on PushSecret deletion).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PUSH_SECRETS } from "../../src/kube/index.js";
import { type DelineaFake, startDelineaFake } from "../fakes/delinea-server.js";
import { type ScalewayFake, startScalewayFake } from "../fakes/scaleway-server.js";
import { type SecretServerFake, startSecretServerFake } from "../fakes/secretserver-server.js";
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

const PROJECT = "6170692e-7363-616c-6577-61792e636f6d";
const MANY = 10_000;
const repeat = (status: number) => Array.from({ length: MANY }, () => status);

let scw: ScalewayFake;
let dsv: DelineaFake;
let ss: SecretServerFake;

before(async () => {
  scw = await startScalewayFake();
  scw.addSecret({ projectId: PROJECT, name: "db", versions: [JSON.stringify({ password: "scw-pw" })] });

  dsv = await startDelineaFake();
  dsv.clients.set("e2e-client", "e2e-client-secret");
  dsv.secrets.set("app/db", { data: { password: "dsv-pw" } });

  ss = await startSecretServerFake();
  ss.users.set("eso", { password: "ss-password" });
  ss.folders.set(73, "/Team");
  ss.templates.set(6098, {
    id: 6098,
    fields: [
      { secretTemplateFieldId: 100, name: "Username", fieldSlugName: "username" },
      { secretTemplateFieldId: 101, name: "Password", fieldSlugName: "password" },
    ],
  });
  ss.secrets.push({
    id: 4000,
    name: "db",
    folderId: 73,
    folderPath: "/Team",
    secretTemplateId: 6098,
    items: [
      { fieldId: 100, fieldName: "Username", slug: "username", itemValue: "app" },
      { fieldId: 101, fieldName: "Password", slug: "password", itemValue: "ss-pw" },
    ],
  });
});

const h = useHarness();

after(async () => {
  await Promise.all([scw.close(), dsv.close(), ss.close()]);
});

const scwProvider = () => ({
  scaleway: {
    apiUrl: scw.url,
    region: "fr-par",
    projectId: PROJECT,
    accessKey: { value: "SCWXXXXXXXXXXXXXXXXX" },
    secretKey: { secretRef: { name: "scw", key: "secret-key" } },
  },
});
const ssProvider = () => ({
  secretserver: {
    serverURL: ss.url,
    username: { secretRef: { name: "ss", key: "username" } },
    password: { secretRef: { name: "ss", key: "password" } },
  },
});

const CASES: ProviderCase[] = [
  {
    name: "scaleway",
    secrets: () => ({ scw: { "secret-key": scw.secretKey } }),
    provider: scwProvider,
    remoteRef: { key: "name:db", property: "password" },
    missingKey: "name:absent",
    expected: "scw-pw",
    badCredentials: () => ({ scw: { "secret-key": "00000000-0000-0000-0000-000000000000" } }),
    fault: (kind) => scw.faults.push(...repeat(kind === "throttle" ? 429 : 503)),
    clear: () => {
      scw.faults.length = 0;
    },
  },
  {
    name: "delinea",
    secrets: () => ({ dsv: { "client-secret": "e2e-client-secret" } }),
    provider: () => ({
      delinea: {
        tenant: dsv.tenant,
        urlTemplate: dsv.urlTemplate,
        clientId: { value: "e2e-client" },
        clientSecret: { secretRef: { name: "dsv", key: "client-secret" } },
      },
    }),
    remoteRef: { key: "app/db", property: "password" },
    missingKey: "app/absent",
    expected: "dsv-pw",
    badCredentials: () => ({ dsv: { "client-secret": "wrong-client-secret" } }),
    fault: (kind) => dsv.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      dsv.faults.length = 0;
    },
  },
  {
    name: "secretserver",
    secrets: () => ({ ss: { username: "eso", password: "ss-password" } }),
    provider: ssProvider,
    remoteRef: { key: "4000", property: "password" },
    missingKey: "424242",
    expected: "ss-pw",
    badCredentials: () => ({ ss: { username: "eso", password: "wrong-password" } }),
    fault: (kind) => ss.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      ss.faults.length = 0;
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

describe("scaleway, delinea and secretserver end to end: success and failure conditions", () => {
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

async function pushStore(
  ns: string,
  provider: Record<string, unknown>,
  secrets: Record<string, Record<string, string>>,
) {
  await createNamespace(h, ns);
  await putSecrets(ns, secrets);
  await h.client.create(SECRET_STORES, {
    apiVersion: "external-secrets.io/v1",
    kind: "SecretStore",
    metadata: { name: "store", namespace: ns },
    spec: { provider },
  });
  await eventually(async () => (await readyCondition(h, SECRET_STORES, ns, "store"))?.status === "True", {
    timeoutMs: 30_000,
    what: `${ns} store Ready`,
  });
}

describe("scaleway and secretserver PushSecret end to end", () => {
  it("scaleway: creates the secret, adds a version on change, deletes it with the PushSecret", async () => {
    const ns = "p-scaleway-push";
    await pushStore(ns, scwProvider(), { scw: { "secret-key": scw.secretKey }, source: { token: "push-v1" } });
    await h.client.create(PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "push", namespace: ns },
      spec: {
        refreshInterval: "1h",
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "store", kind: "SecretStore" }],
        selector: { secret: { name: "source" } },
        data: [{ match: { secretKey: "token", remoteRef: { remoteKey: "path:/pushed/token" } } }],
      },
    });
    const remote = () => scw.secrets.find((s) => s.name === "token" && s.path === "/pushed");
    await eventually(async () => remote()?.versions.at(-1)?.data.toString() === "push-v1", {
      timeoutMs: 30_000,
      what: "pushed to Scaleway",
    });
    await putSecrets(ns, { source: { token: "push-v2" } });
    await eventually(async () => remote()?.versions.at(-1)?.data.toString() === "push-v2", {
      timeoutMs: 30_000,
      what: "new version pushed",
    });
    assert.deepEqual(
      remote()!.versions.map((v) => v.status),
      ["disabled", "enabled"],
    );
    await h.client.delete(PUSH_SECRETS, ns, "push");
    await eventually(async () => remote() === undefined, { timeoutMs: 30_000, what: "deleted from Scaleway" });
  });

  it("secretserver: creates the secret in the metadata's folder, updates it, deletes it with the PushSecret", async () => {
    const ns = "p-secretserver-push";
    await pushStore(ns, ssProvider(), { ss: { username: "eso", password: "ss-password" }, source: { pw: "push-v1" } });
    await h.client.create(PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "push", namespace: ns },
      spec: {
        refreshInterval: "1h",
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "store", kind: "SecretStore" }],
        selector: { secret: { name: "source" } },
        data: [
          {
            match: { secretKey: "pw", remoteRef: { remoteKey: "folderId:73/pushed", property: "password" } },
            metadata: {
              apiVersion: "kubernetes.external-secrets.io/v1alpha1",
              kind: "PushSecretMetadata",
              spec: { folderId: 73, secretTemplateId: 6098 },
            },
          },
        ],
      },
    });
    const remote = () => ss.secrets.find((s) => s.name === "pushed" && s.folderId === 73);
    await eventually(async () => remote()?.items.find((i) => i.slug === "password")?.itemValue === "push-v1", {
      timeoutMs: 30_000,
      what: "created in Secret Server",
    });
    await putSecrets(ns, { source: { pw: "push-v2" } });
    await eventually(async () => remote()?.items.find((i) => i.slug === "password")?.itemValue === "push-v2", {
      timeoutMs: 30_000,
      what: "updated in Secret Server",
    });
    await h.client.delete(PUSH_SECRETS, ns, "push");
    await eventually(async () => remote() === undefined, { timeoutMs: 30_000, what: "deleted from Secret Server" });
  });
});
