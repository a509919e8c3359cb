/**
 * The barbican, volcengine, yandexlockbox and yandexcertificatemanager providers through the running controllers
 * and the in-process API server: a SecretStore pointed at the provider's loopback fake becomes Ready, an
 * ExternalSecret syncs, and not found, bad credentials, throttling and server errors each end in a Ready=False
 * condition naming the cause while the Secret keeps its data and resourceVersion; each case recovers afterwards.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ENDPOINT_ENV } from "../../src/providers/volcengine/transport.js";
import { type BarbicanFake, startBarbicanFake } from "../fakes/barbican-server.js";
import { startVolcengineFake, type VolcengineFake } from "../fakes/volcengine-server.js";
import { startYandexFake, type YandexFake, type YandexFakeKey } from "../fakes/yandex-server.js";
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

const BARBICAN_ID = "5f3c1b2a-0000-4000-8000-00000000b4b1";
const LOCKBOX_ID = "e6q0lockbox";
const CERT_ID = "fpq0cert";
const MANY = 10_000;
const repeat = (status: number) => Array.from({ length: MANY }, () => status);
const PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nYC-CERT-KEY\n-----END PRIVATE KEY-----";

let barbican: BarbicanFake;
let volc: VolcengineFake;
let yc: YandexFake;
let ycKey: YandexFakeKey;
let ycStranger: string;

before(async () => {
  barbican = await startBarbicanFake();
  barbican.users.push({ name: "eso", domain: "Default", password: "os-password", project: "demo" });
  barbican.addSecret("db", JSON.stringify({ password: "barbican-pw" })).uuid = BARBICAN_ID;

  volc = await startVolcengineFake();
  volc.keys.set("AKLTe2e", { secret: "volc-sk" });
  volc.secrets.push({ name: "db", current: "v1", versions: { v1: JSON.stringify({ password: "volc-pw" }) } });
  process.env[ENDPOINT_ENV] = volc.url;

  yc = await startYandexFake();
  ycKey = yc.newKey();
  yc.readers.add(ycKey.serviceAccountId);
  // A well-formed key the IAM service does not know.
  ycStranger = JSON.stringify({ ...JSON.parse(yc.newKey().json), id: "ajkunknown" });
  yc.addSecret({
    id: LOCKBOX_ID,
    folderId: "b1g",
    name: "db",
    versions: [{ id: "v1", entries: [{ key: "password", text: "lockbox-pw" }] }],
  });
  yc.addCertificate({
    id: CERT_ID,
    folderId: "b1g",
    name: "web",
    versions: [
      { id: "c1", chain: ["-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----"], privateKey: PRIVATE_KEY },
    ],
  });
});

const h = useHarness();

after(async () => {
  delete process.env[ENDPOINT_ENV];
  await Promise.all([barbican.close(), volc.close(), yc.close()]);
});

const yandex = (key: string) => () => ({
  [key]: {
    apiEndpoint: yc.apiEndpoint,
    auth: { authorizedKeySecretRef: { name: "yc", key: "key.json" } },
    caProvider: { certSecretRef: { name: "yc", key: "ca.pem" } },
  },
});
const ycFault = (kind: "throttle" | "server") => yc.faults.push(...repeat(kind === "throttle" ? 429 : 503));

const CASES: ProviderCase[] = [
  {
    name: "barbican",
    secrets: () => ({ os: { password: "os-password" } }),
    provider: () => ({
      barbican: {
        authURL: `${barbican.url}/v3`,
        tenantName: "demo",
        domainName: "Default",
        region: "RegionOne",
        auth: { username: { value: "eso" }, password: { secretRef: { name: "os", key: "password" } } },
      },
    }),
    remoteRef: { key: BARBICAN_ID, property: "password" },
    missingKey: "00000000-0000-0000-0000-00000000dead",
    expected: "barbican-pw",
    badCredentials: () => ({ os: { password: "wrong-password" } }),
    fault: (kind) => barbican.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      barbican.faults.length = 0;
    },
  },
  {
    name: "volcengine",
    secrets: () => ({ volc: { ak: "AKLTe2e", sk: "volc-sk" } }),
    provider: () => ({
      volcengine: {
        region: volc.region,
        auth: { secretRef: { accessKeyID: { name: "volc", key: "ak" }, secretAccessKey: { name: "volc", key: "sk" } } },
      },
    }),
    remoteRef: { key: "db", property: "password" },
    missingKey: "absent",
    expected: "volc-pw",
    badCredentials: () => ({ volc: { ak: "AKLTe2e", sk: "wrong-sk" } }),
    fault: (kind) => volc.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      volc.faults.length = 0;
    },
  },
  {
    name: "yandexlockbox",
    secrets: () => ({ yc: { "key.json": ycKey.json, "ca.pem": yc.caPem } }),
    provider: yandex("yandexlockbox"),
    remoteRef: { key: LOCKBOX_ID, property: "password" },
    missingKey: "e6qabsent",
    expected: "lockbox-pw",
    badCredentials: () => ({ yc: { "key.json": ycStranger, "ca.pem": yc.caPem } }),
    fault: ycFault,
    clear: () => {
      yc.faults.length = 0;
    },
  },
  {
    name: "yandexcertificatemanager",
    secrets: () => ({ yc: { "key.json": ycKey.json, "ca.pem": yc.caPem } }),
    provider: yandex("yandexcertificatemanager"),
    remoteRef: { key: CERT_ID, property: "privateKey" },
    missingKey: "fpqabsent",
    expected: `${PRIVATE_KEY}\n`,
    badCredentials: () => ({ yc: { "key.json": ycStranger, "ca.pem": yc.caPem } }),
    fault: ycFault,
    clear: () => {
      yc.faults.length = 0;
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

describe("barbican, volcengine, yandexlockbox and yandexcertificatemanager end to end: success and failure conditions", () => {
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
