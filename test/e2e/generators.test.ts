/**
 * Generators end to end: ExternalSecrets with dataFrom[].sourceRef.generatorRef through the running
 * controllers and the in-process API server (Password under CreatedOnce and Periodic, ClusterGenerator,
 * VaultDynamicSecret and ECRAuthorizationToken against their loopback fakes), and GeneratorState garbage
 * collection revoking what a state recorded.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ECR_ENDPOINT_ENV } from "../../src/generators/ecr/index.js";
import { GENERATOR_STATES } from "../../src/kube/index.js";
import { FakeAws } from "../fakes/aws-server.js";
import { FakeVault } from "../fakes/vault-server.js";
import { fromGenerator, gen } from "../support/generator-refs.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  readyCondition,
  SECRETS,
  secretData,
  secretManifest,
  setEnv,
  useHarness,
} from "../support/world.js";

let vault: FakeVault;
let aws: FakeAws;
let restoreEnv: () => void;
const NS = "gen";
const API = "generators.external-secrets.io/v1alpha1";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  vault = await new FakeVault().start();
  vault.addToken("vault-root").mountDatabase("database", { app: { ttl: 600 } });
  aws = await new FakeAws("eu-west-1").start();
  aws.addAccessKey("AKIDGEN", "gen-secret");
  restoreEnv = setEnv({ [ECR_ENDPOINT_ENV]: aws.url });
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(
    SECRETS,
    secretManifest(NS, "creds", { token: "vault-root", id: "AKIDGEN", secret: "gen-secret" }),
  );
  await h.client.create(gen("passwords"), {
    apiVersion: API,
    kind: "Password",
    metadata: { name: "pw", namespace: NS },
    spec: { length: 20, digits: 4, symbols: 0 },
  });
});

after(async () => {
  await vault.stop();
  await aws.stop();
  restoreEnv();
});

const readData = (name: string) => secretData(h, NS, name);

describe("Password generator through an ExternalSecret", () => {
  it("lands in the Secret and stays fixed under refreshPolicy CreatedOnce", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("pw-once", NS, {
        refreshPolicy: "CreatedOnce",
        refreshInterval: "1s",
        ...fromGenerator("Password", "pw"),
      }),
    );
    const first = await eventually(async () => (await readData("pw-once")).password, {
      timeoutMs: 15_000,
      what: "password",
    });
    assert.equal(first.length, 20);
    assert.equal(first.replace(/[^0-9]/g, "").length, 4);
    // Real time: a CreatedOnce ExternalSecret must stay put over two real refresh intervals; no event marks "did nothing".
    await sleep(2500);
    assert.equal((await readData("pw-once")).password, first, "CreatedOnce never regenerates");
  });

  it("rotates under refreshPolicy Periodic", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("pw-rotating", NS, {
        refreshPolicy: "Periodic",
        refreshInterval: "1s",
        ...fromGenerator("Password", "pw"),
      }),
    );
    const first = await eventually(async () => (await readData("pw-rotating")).password, {
      timeoutMs: 15_000,
      what: "password",
    });
    const second = await eventually(
      async () => {
        const p = (await readData("pw-rotating")).password;
        return p && p !== first ? p : undefined;
      },
      { timeoutMs: 15_000, what: "rotation" },
    );
    assert.equal(second.length, 20);
  });

  it("a ClusterGenerator is usable from a namespace", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "shared-uuid" },
      spec: { kind: "UUID", generator: { uuidSpec: {} } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("from-cluster", NS, fromGenerator("ClusterGenerator", "shared-uuid")),
    );
    const id = await eventually(async () => (await readData("from-cluster")).uuid, { timeoutMs: 15_000, what: "uuid" });
    assert.match(id, /^[0-9a-f-]{36}$/);
  });
});

describe("Generators that call out, through an ExternalSecret", () => {
  it("VaultDynamicSecret writes database credentials", async () => {
    await h.client.create(gen("vaultdynamicsecrets"), {
      apiVersion: API,
      kind: "VaultDynamicSecret",
      metadata: { name: "db", namespace: NS },
      spec: {
        path: "database/creds/app",
        provider: { server: vault.url, auth: { tokenSecretRef: { name: "creds", key: "token" } } },
      },
    });
    await h.client.create(EXTERNAL_SECRETS, externalSecret("db-creds", NS, fromGenerator("VaultDynamicSecret", "db")));
    const data = await eventually(async () => {
      const d = await readData("db-creds");
      return d.username ? d : undefined;
    });
    assert.match(data.username!, /^v-app-/);
    assert.ok(data.password);
  });

  it("ECRAuthorizationToken writes a registry login", async () => {
    await h.client.create(gen("ecrauthorizationtokens"), {
      apiVersion: API,
      kind: "ECRAuthorizationToken",
      metadata: { name: "ecr", namespace: NS },
      spec: {
        region: "eu-west-1",
        auth: {
          secretRef: {
            accessKeyIDSecretRef: { name: "creds", key: "id" },
            secretAccessKeySecretRef: { name: "creds", key: "secret" },
          },
        },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("ecr-login", NS, fromGenerator("ECRAuthorizationToken", "ecr")),
    );
    const data = await eventually(async () => {
      const d = await readData("ecr-login");
      return d.password ? d : undefined;
    });
    assert.equal(data.username, "AWS");
    assert.equal(data.password, aws.ecrPasswords.at(-1));
    assert.equal(data.proxy_endpoint, "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  });

  it("a generator error is a clear condition naming the field, with no Secret written", async () => {
    await h.client.create(gen("vaultdynamicsecrets"), {
      apiVersion: API,
      kind: "VaultDynamicSecret",
      metadata: { name: "broken", namespace: NS },
      spec: {
        path: "database/creds/app",
        resultType: "Data",
        provider: { server: vault.url, auth: { tokenSecretRef: { name: "missing", key: "token" } } },
      },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("broken", NS, fromGenerator("VaultDynamicSecret", "broken")),
    );
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "broken");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message!, /tokenSecretRef/);
    assert.equal(await h.client.get(SECRETS, NS, "broken"), undefined);
  });
});

describe("GeneratorState from ExternalSecrets", () => {
  it("each regenerated lease is recorded; superseded ones are flagged for garbage collection", async () => {
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("rotating-db", NS, { refreshInterval: "1s", ...fromGenerator("VaultDynamicSecret", "db") }),
    );
    const states = async () =>
      (await h.client.list(GENERATOR_STATES, NS)).filter(
        (s: any) =>
          s.metadata.labels["generators.external-secrets.io/owner-key"] ===
          "externalsecret-rotating-db-vaultdynamicsecret-db",
      );
    const all = await eventually(
      async () => {
        const s = await states();
        return s.length >= 2 && s.some((x: any) => x.spec.garbageCollectionDeadline) ? s : undefined;
      },
      { timeoutMs: 20_000, what: "superseded states" },
    );
    assert.ok(all.filter((s: any) => !s.spec.garbageCollectionDeadline).length <= 1);
    for (const s of all) assert.equal(s.metadata.ownerReferences[0].kind, "ExternalSecret");
    await h.client.delete(EXTERNAL_SECRETS, NS, "rotating-db");
    await eventually(async () => (await states()).length === 0, {
      timeoutMs: 20_000,
      what: "states collected with the ExternalSecret",
    });
    for (const s of all) assert.ok(vault.revokedLeases.includes(s.spec.state.leaseID), "lease revoked");
  });
});

describe("GeneratorState garbage collection", () => {
  async function stateFor(name: string, leaseID: string, deadline?: string) {
    return h.client.create(GENERATOR_STATES, {
      apiVersion: API,
      kind: "GeneratorState",
      metadata: { name, namespace: NS },
      spec: {
        ...(deadline ? { garbageCollectionDeadline: deadline } : {}),
        resource: {
          apiVersion: API,
          kind: "VaultDynamicSecret",
          metadata: { name: "db", namespace: NS },
          spec: {
            path: "database/creds/app",
            provider: { server: vault.url, auth: { tokenSecretRef: { name: "creds", key: "token" } } },
          },
        },
        state: { leaseID },
      },
    });
  }

  async function issueLease(): Promise<string> {
    const res = await fetch(`${vault.url}/v1/database/creds/app`, { headers: { "X-Vault-Token": "vault-root" } });
    return ((await res.json()) as { lease_id: string }).lease_id;
  }

  it("a state past its deadline is cleaned up (lease revoked) and deleted; a current one stays", async () => {
    const expired = await issueLease();
    const current = await issueLease();
    await stateFor("expired", expired, new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, "Z"));
    await stateFor("current", current);
    await eventually(async () => !(await h.client.get(GENERATOR_STATES, NS, "expired")), {
      timeoutMs: 15_000,
      what: "expired state gone",
    });
    assert.ok(vault.revokedLeases.includes(expired));
    const kept = await eventually(async () => {
      const gs = await h.client.get(GENERATOR_STATES, NS, "current");
      return gs?.status?.conditions?.length ? gs : undefined;
    });
    assert.equal(kept.status.conditions[0].status, "True");
    assert.ok(kept.metadata.finalizers.includes("generatorstate.externalsecrets.io/finalizer"));
    assert.ok(!vault.revokedLeases.includes(current));

    await h.client.delete(GENERATOR_STATES, NS, "current");
    await eventually(async () => !(await h.client.get(GENERATOR_STATES, NS, "current")), {
      timeoutMs: 15_000,
      what: "deleted state gone",
    });
    assert.ok(vault.revokedLeases.includes(current), "deletion runs the cleanup too");
  });
});
