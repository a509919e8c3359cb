/** VaultDynamicSecret's `getParameters` (query string on GET) and `controller` (controller class). */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { VaultDynamicSecretSpec } from "../../src/api/generators.js";
import { GeneratorError } from "../../src/generators/generator.js";
import { newVaultDynamicSecretGenerator } from "../../src/generators/vault/index.js";
import { FakeVault } from "../fakes/vault-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const NS = "apps";
const ADMIN = "arn:aws:iam::111122223333:role/admin";
const READER = "arn:aws:iam::111122223333:role/reader";
let vault: FakeVault;
let kube: MemoryKubeAccess;

before(async () => {
  vault = await new FakeVault().start();
  vault
    .addToken("root")
    .mountAws("aws", { deploy: { ttl: 3600, roleArns: [ADMIN, READER] } })
    .mountDatabase("database", { readonly: { ttl: 300 } });
});
after(() => vault.stop());
beforeEach(() => {
  kube = new MemoryKubeAccess().setSecret(NS, "vault-token", { token: "root" });
  vault.requests.length = 0;
});

const spec = (extra: Partial<VaultDynamicSecretSpec>): VaultDynamicSecretSpec => ({
  path: "aws/creds/deploy",
  provider: { server: vault.url, auth: { tokenSecretRef: { name: "vault-token", key: "token" } } },
  ...extra,
});

describe("VaultDynamicSecret getParameters", () => {
  test("GET sends them as the query string, repeating keys with several values", async () => {
    const gen = newVaultDynamicSecretGenerator();
    const out = await gen.generate(spec({ getParameters: { role_arn: [READER], ttl: ["900"], tag: ["a", "b"] } }), {
      kube,
      namespace: NS,
    });
    assert.equal(out.data.arn?.toString(), READER);
    const req = vault.requests.find((r) => r.path === "aws/creds/deploy");
    assert.equal(req?.method, "GET");
    assert.deepEqual(req?.query.getAll("tag"), ["a", "b"]);
    assert.equal(req?.query.get("ttl"), "900");
    assert.ok(out.state?.leaseID, "the lease is recorded for cleanup");
  });

  test("without them Vault answers as for a bare GET (here: the role needs role_arn)", async () => {
    const gen = newVaultDynamicSecretGenerator();
    await assert.rejects(gen.generate(spec({}), { kube, namespace: NS }), /HTTP 400/);
  });

  test("Vault's error text is withheld when the query carried parameters", async () => {
    const gen = newVaultDynamicSecretGenerator();
    const err = await gen
      .generate(spec({ getParameters: { role_arn: ["arn:aws:iam::111122223333:role/secret-name"] } }), {
        kube,
        namespace: NS,
      })
      .then(
        () => assert.fail("expected an error"),
        (e: Error) => e,
      );
    assert.match(err.message, /HTTP 400/);
    assert.doesNotMatch(err.message, /secret-name/);
  });

  test("ignored for other methods", async () => {
    const gen = newVaultDynamicSecretGenerator();
    await gen.generate(
      spec({ path: "auth/token/create", method: "POST", resultType: "Auth", getParameters: { ttl: ["1"] } }),
      { kube, namespace: NS },
    );
    const req = vault.requests.find((r) => r.path === "auth/token/create");
    assert.equal(req?.query.toString(), "");
  });
});

describe("VaultDynamicSecret controller", () => {
  const db = (controller?: string) => spec({ path: "database/creds/readonly", controller });

  test("a generator for another controller class is refused before any Vault call", async () => {
    const gen = newVaultDynamicSecretGenerator();
    await assert.rejects(
      gen.generate(db("blue"), { kube, namespace: NS }),
      (e: Error) =>
        e instanceof GeneratorError && /^spec\.controller: "blue" is not this controller's class/.test(e.message),
    );
    await assert.rejects(gen.generate(db("blue"), { kube, namespace: NS, controllerClass: "green" }), GeneratorError);
    assert.equal(vault.requests.length, 0);
  });

  test("the matching class generates; an empty controller belongs to every class", async () => {
    const gen = newVaultDynamicSecretGenerator();
    const blue = await gen.generate(db("blue"), { kube, namespace: NS, controllerClass: "blue" });
    assert.match(blue.data.username?.toString() ?? "", /^v-readonly-/);
    const any = await gen.generate(db(), { kube, namespace: NS, controllerClass: "green" });
    assert.match(any.data.username?.toString() ?? "", /^v-readonly-/);
  });
});
