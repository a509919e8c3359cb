/**
 * The ovh, dvls and nebiusmysterybox providers through the running controllers and the in-process API server:
 * a SecretStore pointed at the provider's loopback fake becomes Ready, an ExternalSecret syncs, and not found,
 * bad credentials, throttling and server errors each end in a Ready=False condition naming the cause while the
 * Secret keeps its data and resourceVersion; each case recovers afterwards. OVH also pushes and deletes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { PUSH_SECRETS } from "../../src/kube/index.js";
import { NEBIUS_ENDPOINT_ENV } from "../../src/providers/nebiusmysterybox/index.js";
import { type DvlsFake, startDvlsFake } from "../fakes/dvls-server.js";
import { FAKE_DOMAIN, type NebiusFake, startNebiusFake } from "../fakes/nebius-server.js";
import { type OvhFake, startOvhFake } from "../fakes/ovh-server.js";
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
  notFound: /not found/i,
  auth: /authentication failed: /,
  throttle: /throttled by the provider: /,
  server: /HTTP 50\d|UNAVAILABLE/,
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

const MANY = 10_000;
const repeat = <T>(v: T) => Array.from({ length: MANY }, () => v);
const VAULT = "0f4a3c1e-1111-4222-8333-944445555666";

let ovh: OvhFake;
let dvls: DvlsFake;
let nebius: NebiusFake;
let restoreEnv: () => void;

before(async () => {
  ovh = await startOvhFake();
  ovh.secrets.set("app/db", { versions: [{ password: "ovh-pw" }] });
  dvls = await startDvlsFake();
  dvls.vaults.set(
    VAULT,
    new Map([["db", { id: "db", name: "db", type: "Credential", subType: "Default", data: { password: "dvls-pw" } }]]),
  );
  nebius = await startNebiusFake();
  nebius.tokens.add("e2e-iam-token");
  nebius.secrets.set("mbsec-db", { versions: [["v1", [{ key: "password", string: "mbx-pw" }]]] });
  restoreEnv = setEnv({ [NEBIUS_ENDPOINT_ENV]: nebius.address });
});

const h = useHarness();

after(async () => {
  restoreEnv();
  await Promise.all([ovh.close(), dvls.close(), nebius.close()]);
});

const ovhProvider = () => ({
  ovh: { server: ovh.url, okmsid: ovh.okmsId, auth: { token: { tokenSecretRef: { name: "okms", key: "token" } } } },
});

const CASES: ProviderCase[] = [
  {
    name: "ovh",
    secrets: () => ({ okms: { token: ovh.token } }),
    provider: ovhProvider,
    remoteRef: { key: "app/db", property: "password" },
    missingKey: "app/absent",
    expected: "ovh-pw",
    badCredentials: () => ({ okms: { token: "revoked-token" } }),
    fault: (kind) => ovh.faults.push(...repeat(kind === "throttle" ? 429 : 503)),
    clear: () => {
      ovh.faults.length = 0;
    },
  },
  {
    name: "dvls",
    secrets: () => ({ dvls: { id: dvls.appId, secret: dvls.appSecret } }),
    provider: () => ({
      dvls: {
        serverUrl: dvls.url,
        insecure: true,
        auth: { secretRef: { appId: { name: "dvls", key: "id" }, appSecret: { name: "dvls", key: "secret" } } },
      },
    }),
    remoteRef: { key: `${VAULT}/db`, property: "password" },
    missingKey: `${VAULT}/absent`,
    expected: "dvls-pw",
    badCredentials: () => ({ dvls: { id: dvls.appId, secret: "wrong-app-secret" } }),
    fault: (kind) => dvls.faults.push(...repeat(kind === "throttle" ? 429 : 500)),
    clear: () => {
      dvls.faults.length = 0;
    },
  },
  {
    name: "nebiusmysterybox",
    secrets: () => ({ mbx: { token: "e2e-iam-token", "ca.crt": nebius.caPem } }),
    provider: () => ({
      nebiusmysterybox: {
        apiDomain: FAKE_DOMAIN,
        auth: { tokenSecretRef: { name: "mbx", key: "token" } },
        caProvider: { certSecretRef: { name: "mbx", key: "ca.crt" } },
      },
    }),
    remoteRef: { key: "mbsec-db", property: "password" },
    missingKey: "mbsec-absent",
    expected: "mbx-pw",
    badCredentials: () => ({ mbx: { token: "revoked-iam-token", "ca.crt": nebius.caPem } }),
    fault: (kind) =>
      nebius.faults.push(...repeat(kind === "throttle" ? grpc.status.RESOURCE_EXHAUSTED : grpc.status.UNAVAILABLE)),
    clear: () => {
      nebius.faults.length = 0;
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

describe("ovh, dvls and nebiusmysterybox end to end: success and failure conditions", () => {
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
        for (const secret of [pc.expected, ...Object.values(pc.secrets()).flatMap((d) => Object.values(d))]) {
          if (secret.length > 6) assert.ok(!(c.message ?? "").includes(secret), `${pc.name} ${what}: message leaks`);
        }
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

describe("ovh PushSecret end to end", () => {
  it("creates the secret, writes a new version on change, deletes it with the PushSecret", async () => {
    const ns = "p-ovh-push";
    await createNamespace(h, ns);
    await putSecrets(ns, { okms: { token: ovh.token }, source: { token: "push-v1" } });
    const store = await createStore(ns, ovhProvider());
    assert.equal(store.status, "True", `store: ${store.message}`);
    await h.client.create(PUSH_SECRETS, {
      apiVersion: "external-secrets.io/v1alpha1",
      kind: "PushSecret",
      metadata: { name: "push", namespace: ns },
      spec: {
        refreshInterval: "1h",
        deletionPolicy: "Delete",
        secretStoreRefs: [{ name: "store", kind: "SecretStore" }],
        selector: { secret: { name: "source" } },
        data: [{ match: { secretKey: "token", remoteRef: { remoteKey: "pushed/token" } } }],
      },
    });
    const versions = () => ovh.secrets.get("pushed/token")?.versions;
    await eventually(async () => versions()?.at(-1)?.token === "push-v1", { timeoutMs: 30_000, what: "pushed" });
    await putSecrets(ns, { source: { token: "push-v2" } });
    await eventually(async () => versions()?.at(-1)?.token === "push-v2", { timeoutMs: 30_000, what: "updated" });
    assert.equal(versions()!.length, 2);
    await h.client.delete(PUSH_SECRETS, ns, "push");
    await eventually(async () => versions() === undefined, { timeoutMs: 30_000, what: "deleted from OKMS" });
  });
});
