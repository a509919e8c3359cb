/**
 * The onepasswordSDK and bitwardensecretsmanager providers through the running controllers: the store becomes
 * Ready, the ExternalSecret syncs, and not found, bad credentials, throttling and server errors each end in a
 * Ready=False condition naming the cause while the Secret keeps its data and resourceVersion; each recovers.
 * 1Password is reached through the SDK's real client layer over a fake core (its WebAssembly core cannot be
 * pointed at a loopback server); Bitwarden through a loopback HTTPS fake of the Bitwarden SDK server.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { registerBuiltinProviders } from "../../src/providers/builtin.js";
import { newOnePasswordSDKProvider } from "../../src/providers/onepasswordSDK/index.js";
import { type BitwardenFake, startBitwardenFake } from "../fakes/bitwarden-sdk-server.js";
import { newOnePasswordSdkFake } from "../fakes/onepassword-sdk-core.js";
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
const MANY = 10_000;
const ORG = "7b5c8a6e-2f1d-4c3b-9a8e-1d2c3b4a5f60";
const PROJECT = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

const op = newOnePasswordSdkFake();
op.vaults.push({ id: "vaultid0000000000000000001", title: "prod" });
op.addItem({
  title: "db",
  vaultId: "vaultid0000000000000000001",
  fields: [{ id: "p", title: "password", value: "op-sdk-pw" }],
});
let bw: BitwardenFake;

const registry = registerBuiltinProviders();
registry.register(newOnePasswordSDKProvider(op.connect));
const h = useHarness({ providers: registry });

before(async () => {
  bw = await startBitwardenFake();
  bw.add({ key: "db-password", value: "bw-pw", organizationId: ORG, projectId: PROJECT });
});
after(() => bw.close());

interface Case {
  name: string;
  secrets: () => Record<string, string>;
  badSecrets: () => Record<string, string>;
  provider: () => Record<string, unknown>;
  key: string;
  missingKey: string;
  expected: string;
  fault(kind: "throttle" | "server"): void;
  clear(): void;
}

const CASES: Case[] = [
  {
    name: "onepasswordsdk",
    secrets: () => ({ token: op.token }),
    badSecrets: () => ({ token: "ops_revoked" }),
    provider: () => ({
      onepasswordSDK: { vault: "prod", auth: { serviceAccountSecretRef: { name: "creds", key: "token" } } },
    }),
    key: "db/password",
    missingKey: "nope/password",
    expected: "op-sdk-pw",
    fault: (kind) => {
      const f =
        kind === "throttle"
          ? ({ kind: "RateLimitExceeded" } as const)
          : ({ kind: "error", message: "internal server error (500)" } as const);
      op.faults.push(...Array.from({ length: MANY }, () => f));
    },
    clear: () => {
      op.faults.length = 0;
    },
  },
  {
    name: "bitwardensecretsmanager",
    secrets: () => ({ token: bw.token }),
    badSecrets: () => ({ token: "0.revoked" }),
    provider: () => ({
      bitwardensecretsmanager: {
        bitwardenServerSDKURL: bw.url,
        caBundle: Buffer.from(bw.caPem).toString("base64"),
        organizationID: ORG,
        projectID: PROJECT,
        auth: { secretRef: { credentials: { name: "creds", key: "token" } } },
      },
    }),
    key: "db-password",
    missingKey: "no-such-secret",
    expected: "bw-pw",
    fault: (kind) => bw.faults.push(...Array.from({ length: MANY }, () => (kind === "throttle" ? 429 : 503))),
    clear: () => {
      bw.faults.length = 0;
    },
  },
];

async function putCreds(ns: string, data: Record<string, string>): Promise<void> {
  const body = secretManifest(ns, "creds", data);
  const live = await h.client.get(SECRETS, ns, "creds");
  if (live) await h.client.update(SECRETS, { ...live, data: body.data });
  else await h.client.create(SECRETS, body);
}

const untilReady = (ns: string, status: "True" | "False", what: string) =>
  eventually(
    async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, ns, "app");
      return c?.status === status ? c : undefined;
    },
    { timeoutMs: 30_000, what },
  );

describe("onepasswordSDK and bitwardensecretsmanager end to end", () => {
  for (const pc of CASES) {
    it(pc.name, async () => {
      const ns = `p-${pc.name}`;
      await createNamespace(h, ns);
      await putCreds(ns, pc.secrets());
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
          data: [{ secretKey: "value", remoteRef: { key: pc.key } }],
        }),
      );
      assert.equal((await untilReady(ns, "True", `${pc.name} synced`)).reason, "SecretSynced");
      let rv = (await h.client.get(SECRETS, ns, "app")).metadata.resourceVersion;
      assert.deepEqual(decoded(await h.client.get(SECRETS, ns, "app")), { value: pc.expected });

      const expectFailure = async (pattern: RegExp, what: string) => {
        const c = await untilReady(ns, "False", `${pc.name}: ${what}`);
        assert.equal(c.reason, "SecretSyncedError");
        assert.match(c.message ?? "", pattern, `${pc.name} ${what}: ${c.message}`);
        for (const secret of [pc.expected, op.token, bw.token]) {
          assert.ok(!(c.message ?? "").includes(secret), `${pc.name} ${what}: message leaks a value`);
        }
        const live = await h.client.get(SECRETS, ns, "app");
        assert.equal(live.metadata.resourceVersion, rv, `${pc.name} ${what}: Secret was written`);
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
        es.spec.data[0].remoteRef = { key: pc.key };
      });

      await putCreds(ns, pc.badSecrets());
      await forceSync(h, ns, "app");
      await expectFailure(EXPECT.auth, "auth failure");
      await putCreds(ns, pc.secrets());
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
