import assert from "node:assert/strict";
import { test } from "node:test";
import { Value } from "@sinclair/typebox/value";
import { SecretStoreProviderSchema } from "../../src/api/providers/index.js";

test("provider schemas accept upstream-shaped auth blocks", () => {
  const ok = [
    {
      aws: {
        service: "SecretsManager",
        region: "us-east-1",
        auth: { secretRef: { accessKeyIDSecretRef: { name: "aws", key: "id" } } },
      },
    },
    { vault: { server: "https://vault:8200", auth: { kubernetes: { mountPath: "kubernetes", role: "r" } } } },
    { gitlab: { auth: { SecretRef: { accessToken: { name: "gl", key: "token" } } } } },
    {
      onepassword: {
        connectHost: "http://op",
        vaults: { prod: 1 },
        auth: { secretRef: { connectTokenSecretRef: { name: "op" } } },
      },
    },
    { fake: { data: [{ key: "k", value: "v" }] } },
  ];
  for (const p of ok)
    assert.ok(
      Value.Check(SecretStoreProviderSchema, p),
      JSON.stringify([...Value.Errors(SecretStoreProviderSchema, p)]),
    );
});

test("provider schemas reject bad enums and two providers at once", () => {
  assert.equal(Value.Check(SecretStoreProviderSchema, { aws: { service: "KMS", region: "x" } }), false);
  assert.equal(Value.Check(SecretStoreProviderSchema, { fake: { data: [] }, vault: { server: "https://v" } }), false);
});
