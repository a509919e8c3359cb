/**
 * VaultDynamicSecret `controller` through the running controllers (started with --controller-class blue) and the
 * in-process API server: a generator of class blue or of no class syncs; one of class green is left alone.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FakeVault } from "../fakes/vault-server.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  readyCondition,
  SECRETS,
  secretData,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "vds-class";
const API = "generators.external-secrets.io/v1alpha1";
const VDS = {
  group: "generators.external-secrets.io",
  version: "v1alpha1",
  plural: "vaultdynamicsecrets",
  namespaced: true,
};
let vault: FakeVault;

before(async () => {
  vault = await new FakeVault().start();
  vault.addToken("vault-root").mountDatabase("database", { app: { ttl: 600 } });
});
after(() => vault.stop());

const h = useHarness({ controllerClass: "blue" }, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "creds", { token: "vault-root" }));
  for (const [name, controller] of [
    ["blue-db", "blue"],
    ["green-db", "green"],
    ["any-db", undefined],
  ] as const) {
    await h.client.create(VDS, {
      apiVersion: API,
      kind: "VaultDynamicSecret",
      metadata: { name, namespace: NS },
      spec: {
        ...(controller ? { controller } : {}),
        path: "database/creds/app",
        provider: { server: vault.url, auth: { tokenSecretRef: { name: "creds", key: "token" } } },
      },
    });
  }
});

const fromGenerator = (name: string) => ({
  dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API, kind: "VaultDynamicSecret", name } } }],
});

describe("VaultDynamicSecret controller class", () => {
  it("the controller's own class and an empty class generate; the spec keeps the field", async () => {
    const stored = await h.client.get(VDS, NS, "blue-db");
    assert.equal(stored?.spec?.controller, "blue", "the API server keeps spec.controller");
    for (const name of ["blue-db", "any-db"]) {
      await h.client.create(EXTERNAL_SECRETS, externalSecret(`from-${name}`, NS, fromGenerator(name)));
      const data = await eventually(async () => {
        const d = await secretData(h, NS, `from-${name}`).catch(() => ({}) as Record<string, string>);
        return d.username ? d : undefined;
      });
      assert.match(data.username!, /^v-app-/);
    }
  });

  it("another class's generator is not run: Ready=False names spec.controller, Vault is not called", async () => {
    const callsBefore = vault.count("database/creds/app");
    await h.client.create(EXTERNAL_SECRETS, externalSecret("from-green", NS, fromGenerator("green-db")));
    const cond = await eventually(async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, "from-green");
      return c?.status === "False" ? c : undefined;
    });
    assert.match(cond.message ?? "", /spec\.controller: "green"/);
    assert.equal(vault.count("database/creds/app"), callsBefore);
  });
});
