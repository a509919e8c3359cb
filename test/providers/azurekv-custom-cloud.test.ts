import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { azureKVProvider } from "../../src/providers/azurekv/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { ProviderAuthError } from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
import { type AzureKVFake, startAzureKVFake } from "../fakes/azurekv-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const ENV = ["ESO_AZURE_CA_BUNDLE", "AZURE_AUTHORITY_HOST"] as const;
const STACK_VAULT = "https://vault.local.azurestack.external";

describe("azurekv customCloudConfig (Azure Stack, sovereign clouds)", () => {
  let fake: AzureKVFake;
  let ctx: ProviderContext;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    fake = await startAzureKVFake("tenant-1");
    dir = mkdtempSync(join(tmpdir(), "azurekv-cloud-"));
    writeFileSync(join(dir, "ca.pem"), fake.caPem);
    for (const k of ENV) saved[k] = process.env[k];
    process.env.ESO_AZURE_CA_BUNDLE = join(dir, "ca.pem");
    // The authority host must come from customCloudConfig, not from the test override.
    delete process.env.AZURE_AUTHORITY_HOST;
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  });
  beforeEach(() => {
    fake.clients.clear();
    fake.secrets.clear();
    fake.tokenScopes.length = 0;
    fake.tokenRequests = 0;
    fake.resource = "https://vault.azure.net";
    fake.clients.set("sp-client", { secret: "sp-secret" });
    fake.setSecret("db-password", "s3cr3t-value");
    const kube = new MemoryKubeAccess().setSecret("ns", "azure-sp", { id: "sp-client", secret: "sp-secret" });
    ctx = { kube, caches: new ClientCaches(), storeKind: "SecretStore", storeName: "stack", namespace: "ns" };
  });

  const spec = (extra: Record<string, unknown>) =>
    ({
      vaultUrl: fake.url,
      tenantId: "tenant-1",
      useAzureSDK: true,
      authSecretRef: {
        clientId: { name: "azure-sp", key: "id" },
        clientSecret: { name: "azure-sp", key: "secret" },
      },
      ...extra,
    }) as any;

  test("AzureStackCloud: logs in at activeDirectoryEndpoint and gets a token for keyVaultEndpoint", async () => {
    fake.resource = STACK_VAULT;
    const s = spec({
      environmentType: "AzureStackCloud",
      customCloudConfig: {
        activeDirectoryEndpoint: fake.url,
        keyVaultEndpoint: `${STACK_VAULT}/`,
        resourceManagerEndpoint: "https://management.local.azurestack.external/",
      },
    });
    assert.deepEqual(azureKVProvider.validate(s, "SecretStore").errors, []);
    const c = await azureKVProvider.newClient(s, ctx);
    assert.equal((await c.getSecret({ key: "db-password" })).toString(), "s3cr3t-value");
    assert.deepEqual(fake.tokenScopes, [`${STACK_VAULT}/.default`]);
  });

  test("keyVaultEndpoint pins the resource: a vault asking for another one gets no token", async () => {
    fake.resource = "https://management.azure.com";
    const c = await azureKVProvider.newClient(
      spec({
        environmentType: "AzureStackCloud",
        customCloudConfig: { activeDirectoryEndpoint: fake.url, keyVaultEndpoint: STACK_VAULT },
      }),
      ctx,
    );
    await assert.rejects(c.getSecret({ key: "db-password" }), (e: Error) => {
      assert.ok(e instanceof ProviderAuthError, e.message);
      assert.match(e.message, /customCloudConfig\.keyVaultEndpoint \(https:\/\/vault\.local\.azurestack\.external\)/);
      assert.ok(!e.message.includes("sp-secret"));
      return true;
    });
    assert.equal(fake.tokenRequests, 0);
  });

  test("customCloudConfig on another environment overrides its authority host (Azure China AKS)", async () => {
    const c = await azureKVProvider.newClient(
      spec({ environmentType: "ChinaCloud", customCloudConfig: { activeDirectoryEndpoint: fake.url } }),
      ctx,
    );
    assert.equal((await c.getSecret({ key: "db-password" })).toString(), "s3cr3t-value");
    assert.deepEqual(fake.tokenScopes, ["https://vault.azure.net/.default"]);
  });

  test("validation as upstream: useAzureSDK required, endpoints must be URLs", () => {
    const errs = (extra: Record<string, unknown>) => azureKVProvider.validate(spec(extra), "SecretStore").errors;
    assert.deepEqual(errs({ useAzureSDK: false, customCloudConfig: { activeDirectoryEndpoint: "https://login" } }), [
      "spec.provider.azurekv.customCloudConfig: requires useAzureSDK: true",
    ]);
    assert.deepEqual(
      errs({ customCloudConfig: { activeDirectoryEndpoint: "https://login", keyVaultEndpoint: "vault.local" } }),
      ["spec.provider.azurekv.customCloudConfig.keyVaultEndpoint: is not an http(s) URL"],
    );
    assert.deepEqual(
      errs({ customCloudConfig: { activeDirectoryEndpoint: "https://login", resourceManagerEndpoint: "::" } }),
      ["spec.provider.azurekv.customCloudConfig.resourceManagerEndpoint: is not an http(s) URL"],
    );
    assert.ok(
      errs({ environmentType: "AzureStackCloud" }).includes(
        "spec.provider.azurekv.customCloudConfig.activeDirectoryEndpoint: is required for AzureStackCloud",
      ),
    );
  });
});
