/** Store validation as the SecretStore controller runs it: problems become a not-ready result, never a throw. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SecretStore } from "../../src/api/secretstore.js";
import { validateStore } from "../../src/controllers/secretstore/reconciler.js";
import { registerBuiltinProviders } from "../../src/providers/builtin.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { fakeProvider } from "../../src/providers/fake/index.js";
import { ProviderRegistry } from "../../src/providers/registry.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const store = (provider: Record<string, unknown>) =>
  ({ metadata: { name: "s", namespace: "ns" }, spec: { provider } }) as unknown as SecretStore;

describe("validateStore", () => {
  const opts = {
    kube: new MemoryKubeAccess(),
    namespace: "ns",
    providers: { registry: registerBuiltinProviders(), caches: new ClientCaches() },
  };

  it("a provider this process has not registered is a clear not-ready result", async () => {
    // Every key the schema serves is built in; a registry without one stands for a build that leaves it out.
    const registry = new ProviderRegistry();
    registry.register(fakeProvider);
    const v = await validateStore(store({ conjur: { url: "https://conjur" } }), "SecretStore", {
      ...opts,
      providers: { registry, caches: new ClientCaches() },
    });
    assert.equal(v.ready, false);
    assert.equal(v.reason, "InvalidProviderConfig");
    assert.match(v.message, /spec\.provider\.conjur: provider is not supported/);
  });

  it("zero or two providers name spec.provider", async () => {
    for (const p of [{}, { fake: { data: [] }, doppler: {} }]) {
      const v = await validateStore(store(p), "SecretStore", opts);
      assert.equal(v.ready, false);
      assert.match(v.message, /spec\.provider: exactly one provider must be set/);
    }
  });

  it("a credential that cannot be resolved is a not-ready result naming the field", async () => {
    const v = await validateStore(
      store({ vault: { server: "http://127.0.0.1:1", auth: { tokenSecretRef: { name: "absent", key: "token" } } } }),
      "SecretStore",
      opts,
    );
    assert.equal(v.ready, false);
    assert.match(v.message, /tokenSecretRef/);
  });

  it("a valid store is ready and reports its capabilities", async () => {
    const v = await validateStore(store({ fake: { data: [{ key: "k", value: "v" }] } }), "SecretStore", opts);
    assert.deepEqual(v, { ready: true, reason: "Valid", message: "store validated", capabilities: "ReadWrite" });
  });
});
