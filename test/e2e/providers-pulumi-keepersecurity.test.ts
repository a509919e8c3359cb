/**
 * Pulumi ESC and Keeper Secrets Manager through the running controllers and the in-process API server: a
 * SecretStore pointed at each loopback fake becomes Ready, an ExternalSecret syncs, and not found, rejected
 * credentials, throttling and server errors each end in Ready=False naming the cause while the Secret keeps its
 * data and resourceVersion; each recovers. A PushSecret then writes into each service.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KEEPER_API_URL_ENV } from "../../src/providers/keepersecurity/transport.js";
import { type KeeperFake, startKeeperFake } from "../fakes/keepersecurity-server.js";
import { type PulumiFake, startPulumiFake } from "../fakes/pulumi-server.js";
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

const PUSH_SECRETS = { group: "external-secrets.io", version: "v1alpha1", plural: "pushsecrets", namespaced: true };
const MANY = 10_000;
const repeat = (f: unknown) => Array.from({ length: MANY }, () => f) as never[];

let pulumi: PulumiFake;
let keeper: KeeperFake;
let keeperUid = "";
let restoreEnv: () => void;

before(async () => {
  pulumi = await startPulumiFake();
  pulumi.tokens.set("pul-e2e", "acme");
  pulumi.environments.set("acme/app/prod", { values: { db: { password: { "fn::secret": "esc-pw" } } } });
  keeper = await startKeeperFake();
  keeper.addFolder("F1");
  keeperUid = keeper.addRecord(
    { title: "db", type: "login", fields: [{ type: "password", value: ["ksm-pw"] }] },
    { folderUid: "F1" },
  );
  restoreEnv = setEnv({ [KEEPER_API_URL_ENV]: keeper.url });
});

const h = useHarness();

after(async () => {
  await Promise.all([pulumi.close(), keeper.close()]);
  restoreEnv();
});

interface Case {
  name: string;
  secrets: () => Record<string, Record<string, string>>;
  badCredentials: () => Record<string, Record<string, string>>;
  provider: () => Record<string, unknown>;
  remoteRef: () => { key: string; property?: string };
  missingKey: string;
  expected: string;
  fault(kind: "throttle" | "server"): void;
  clear(): void;
  pushKey: string;
  pushed(): string | undefined;
}

const CASES: Case[] = [
  {
    name: "pulumi",
    secrets: () => ({ pulumi: { token: "pul-e2e" } }),
    badCredentials: () => ({ pulumi: { token: "pul-revoked" } }),
    provider: () => ({
      pulumi: {
        apiUrl: pulumi.apiUrl,
        organization: "acme",
        project: "app",
        environment: "prod",
        auth: { accessToken: { secretRef: { name: "pulumi", key: "token" } } },
      },
    }),
    remoteRef: () => ({ key: "db.password" }),
    missingKey: "db.absent",
    expected: "esc-pw",
    fault: (kind) => pulumi.faults.push(...repeat(kind === "throttle" ? 429 : 503)),
    clear: () => {
      pulumi.faults.length = 0;
    },
    pushKey: "pushed.token",
    pushed: () => {
      const values = pulumi.environments.get("acme/app/prod")?.values as any;
      return values?.pushed?.token?.["fn::secret"];
    },
  },
  {
    name: "keepersecurity",
    secrets: () => ({ ksm: { config: keeper.config() } }),
    badCredentials: () => ({ ksm: { config: keeper.unknownClientConfig() } }),
    provider: () => ({ keepersecurity: { authRef: { name: "ksm", key: "config" }, folderID: "F1" } }),
    remoteRef: () => ({ key: keeperUid, property: "password" }),
    missingKey: "absent-record-uid",
    expected: "ksm-pw",
    fault: (kind) => keeper.faults.push(...repeat(kind === "throttle" ? 403 : 503)),
    clear: () => {
      keeper.faults.length = 0;
    },
    pushKey: "pushed/password",
    pushed: () => {
      const r = [...keeper.records.values()].find((x) => x.data.title === "pushed");
      return (r?.data.fields as { value: string[] }[] | undefined)?.[0]?.value[0];
    },
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

describe("pulumi and keepersecurity end to end", () => {
  for (const pc of CASES) {
    it(pc.name, async () => {
      const ns = `p6-${pc.name}`;
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
          data: [{ secretKey: "value", remoteRef: pc.remoteRef() }],
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
        es.spec.data[0].remoteRef = { key: pc.missingKey };
      });
      await expectFailure(EXPECT.notFound, "not found");
      assert.ok((await readyCondition(h, EXTERNAL_SECRETS, ns, "app"))?.message?.includes(pc.missingKey));
      await recover("not found", (es) => {
        es.spec.data[0].remoteRef = pc.remoteRef();
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

      // PushSecret: a Secret's key written into the service.
      await putSecrets(ns, { source: { password: `pushed-${pc.name}` } });
      await h.client.create(PUSH_SECRETS, {
        apiVersion: "external-secrets.io/v1alpha1",
        kind: "PushSecret",
        metadata: { name: "push", namespace: ns },
        spec: {
          refreshInterval: "1h",
          secretStoreRefs: [{ name: "store", kind: "SecretStore" }],
          selector: { secret: { name: "source" } },
          data: [{ match: { secretKey: "password", remoteRef: { remoteKey: pc.pushKey } } }],
        },
      });
      await eventually(async () => (pc.pushed() === `pushed-${pc.name}` ? true : undefined), {
        timeoutMs: 30_000,
        what: `${pc.name} value pushed`,
      });
    });
  }
});
