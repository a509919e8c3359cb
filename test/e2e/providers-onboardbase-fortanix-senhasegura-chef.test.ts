/**
 * Onboardbase, Fortanix DSM, senhasegura DSM and Chef Infra Server through the running controllers and the
 * in-process API server: a SecretStore pointed at each loopback fake becomes Ready, an ExternalSecret syncs, and
 * not found, rejected credentials, throttling and server errors each end in Ready=False naming the cause while
 * the Secret keeps its data and resourceVersion; each recovers.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type ChefFake, startChefFake } from "../fakes/chef-server.js";
import { type FortanixFake, startFortanixFake } from "../fakes/fortanix-server.js";
import { type OnboardbaseFake, startOnboardbaseFake } from "../fakes/onboardbase-server.js";
import { type SenhaseguraFake, startSenhaseguraFake } from "../fakes/senhasegura-server.js";
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
const repeat = (f: unknown) => Array.from({ length: MANY }, () => f) as never[];

let obb: OnboardbaseFake;
let fx: FortanixFake;
let ss: SenhaseguraFake;
let chef: ChefFake;
let chefKey = "";
/** A valid RSA key the server does not know for the user. */
const strangerKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

before(async () => {
  [obb, fx, ss, chef] = await Promise.all([
    startOnboardbaseFake(),
    startFortanixFake(),
    startSenhaseguraFake(),
    startChefFake(),
  ]);
  obb.apiKeys.set("obb-key", "obb-passcode");
  obb.environments.set("shop/production", { DB_PASSWORD: "obb-pw" });
  fx.add("db-password", "fx-pw");
  ss.clients.set("eso", "ss-secret");
  ss.secrets.push({ identity: "db", data: [{ password: "ss-pw" }] });
  chefKey = chef.addUser("eso");
  chef.bags.set("app", new Map([["db", { id: "db", password: "chef-pw" }]]));
});

const h = useHarness();

after(() => Promise.all([obb.close(), fx.close(), ss.close(), chef.close()]));

interface Case {
  name: string;
  secrets: () => Record<string, Record<string, string>>;
  badCredentials: () => Record<string, Record<string, string>>;
  provider: () => Record<string, unknown>;
  remoteRef: { key: string; property?: string };
  missingKey: string;
  expected: string;
  faults: () => unknown[];
}

const CASES: Case[] = [
  {
    name: "onboardbase",
    secrets: () => ({ obb: { apiKey: "obb-key", passcode: "obb-passcode" } }),
    badCredentials: () => ({ obb: { apiKey: "obb-revoked", passcode: "obb-passcode" } }),
    provider: () => ({
      onboardbase: {
        apiHost: obb.url,
        project: "shop",
        environment: "production",
        auth: { apiKeyRef: { name: "obb", key: "apiKey" }, passcodeRef: { name: "obb", key: "passcode" } },
      },
    }),
    remoteRef: { key: "DB_PASSWORD" },
    missingKey: "ABSENT_KEY",
    expected: "obb-pw",
    faults: () => obb.faults,
  },
  {
    name: "fortanix",
    secrets: () => ({ fx: { apiKey: fx.apiKey } }),
    badCredentials: () => ({ fx: { apiKey: Buffer.from("app:revoked").toString("base64") } }),
    provider: () => ({ fortanix: { apiUrl: fx.url, apiKey: { secretRef: { name: "fx", key: "apiKey" } } } }),
    remoteRef: { key: "db-password" },
    missingKey: "absent-object",
    expected: "fx-pw",
    faults: () => fx.faults,
  },
  {
    name: "senhasegura",
    secrets: () => ({ ss: { secret: "ss-secret" } }),
    badCredentials: () => ({ ss: { secret: "ss-revoked" } }),
    provider: () => ({
      senhasegura: {
        url: ss.url,
        module: "DSM",
        ignoreSslCertificate: true,
        auth: { clientId: "eso", clientSecretSecretRef: { name: "ss", key: "secret" } },
      },
    }),
    remoteRef: { key: "db", property: "password" },
    missingKey: "absent-identity",
    expected: "ss-pw",
    faults: () => ss.faults,
  },
  {
    name: "chef",
    secrets: () => ({ chef: { key: chefKey } }),
    badCredentials: () => ({ chef: { key: strangerKey } }),
    provider: () => ({
      chef: {
        serverUrl: chef.url,
        username: "eso",
        auth: { secretRef: { privateKeySecretRef: { name: "chef", key: "key" } } },
      },
    }),
    remoteRef: { key: "app/db", property: "password" },
    missingKey: "app/absent-item",
    expected: "chef-pw",
    faults: () => chef.faults,
  },
];

const EXPECT = {
  notFound: /not found/i,
  auth: /authentication failed: /,
  throttle: /throttled by the provider: /,
  server: /HTTP 503/,
};

async function putSecrets(ns: string, secrets: Record<string, Record<string, string>>): Promise<void> {
  for (const [name, data] of Object.entries(secrets)) {
    const body = secretManifest(ns, name, data);
    const live = await h.client.get(SECRETS, ns, name);
    if (live) await h.client.update(SECRETS, { ...live, data: body.data });
    else await h.client.create(SECRETS, body);
  }
}

const untilReady = (ns: string, status: "True" | "False", what: string) =>
  eventually(
    async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, ns, "app");
      return c?.status === status ? c : undefined;
    },
    { timeoutMs: 30_000, what },
  );

describe("onboardbase, fortanix, senhasegura and chef end to end", () => {
  for (const pc of CASES) {
    it(pc.name, async () => {
      const ns = `w2-${pc.name}`;
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
      assert.equal((await untilReady(ns, "True", `${pc.name} synced`)).reason, "SecretSynced");
      let rv = (await h.client.get(SECRETS, ns, "app")).metadata.resourceVersion;
      assert.deepEqual(decoded(await h.client.get(SECRETS, ns, "app")), { value: pc.expected });

      const expectFailure = async (pattern: RegExp, what: string) => {
        const c = await untilReady(ns, "False", `${pc.name}: ${what}`);
        assert.equal(c.reason, "SecretSyncedError");
        assert.match(c.message ?? "", pattern, `${pc.name} ${what}: ${c.message}`);
        assert.ok(!(c.message ?? "").includes(pc.expected), "the message leaks the value");
        const live = await h.client.get(SECRETS, ns, "app");
        assert.equal(live.metadata.resourceVersion, rv, `${pc.name} ${what}: the Secret was written`);
        assert.deepEqual(decoded(live), { value: pc.expected });
      };
      const recover = async (what: string, patch?: (es: any) => void) => {
        await forceSync(h, ns, "app", patch);
        await untilReady(ns, "True", `${pc.name} recovered from ${what}`);
        const live = await eventually(
          async () => {
            const s = await h.client.get(SECRETS, ns, "app");
            const es = await h.client.get(EXTERNAL_SECRETS, ns, "app");
            return s?.metadata.annotations?.["force-sync"] === es.metadata.annotations["force-sync"] ? s : undefined;
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
      assert.ok((await readyCondition(h, EXTERNAL_SECRETS, ns, "app"))?.message?.includes(pc.missingKey));
      await recover("not found", (es) => {
        es.spec.data[0].remoteRef = pc.remoteRef;
      });

      await putSecrets(ns, pc.badCredentials());
      await forceSync(h, ns, "app");
      await expectFailure(EXPECT.auth, "auth failure");
      await putSecrets(ns, pc.secrets());
      await recover("auth failure");

      for (const [kind, status] of [
        ["throttle", 429],
        ["server", 503],
      ] as const) {
        const faults = pc.faults();
        faults.push(...repeat(status));
        await forceSync(h, ns, "app");
        await expectFailure(EXPECT[kind], kind);
        faults.length = 0;
        await recover(kind);
      }
    });
  }
});
