/**
 * ACRAccessToken against the loopback registry token service and its Entra ID fake: each auth method's token is
 * exchanged for a refresh token (password) or, with spec.scope, an access token; environmentType picks the token
 * resource; failures name the spec field or the registry call and status and never show a credential; a
 * generator reads credentials only in its own namespace and uses the controller's identity only when allowed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { ACRAccessTokenSpec } from "../../src/api/generators/acr.js";
import { ACR_TOKEN_USERNAME, newAcrAccessTokenGenerator } from "../../src/generators/acr/index.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { type AcrFake, startAcrFake } from "../fakes/acr-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";
import { eventually } from "../support/poll.js";

const NS = "team-a";
const CLIENT_SECRET = "acr-sp-client-secret-value";
const ENV = ["ESO_AZURE_CA_BUNDLE", "AZURE_AUTHORITY_HOST", "AZURE_POD_IDENTITY_AUTHORITY_HOST"] as const;
const gen = newAcrAccessTokenGenerator({ requestTimeoutMs: 5_000 });

let fake: AcrFake;
let dir: string;
let kube: MemoryKubeAccess;
let ctx: GeneratorContext;
const saved: Record<string, string | undefined> = {};

before(async () => {
  fake = await startAcrFake("tenant-1");
  dir = mkdtempSync(join(tmpdir(), "acr-"));
  writeFileSync(join(dir, "ca.pem"), fake.caPem);
  writeFileSync(join(dir, "aad-only.pem"), fake.aad.caPem);
  for (const k of ENV) saved[k] = process.env[k];
  process.env.ESO_AZURE_CA_BUNDLE = join(dir, "ca.pem");
  process.env.AZURE_AUTHORITY_HOST = fake.aad.url;
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = fake.aad.imdsUrl;
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
  kube = new MemoryKubeAccess()
    .setSecret(NS, "acr-sp", { "client-id": "sp-client", "client-secret": CLIENT_SECRET })
    .setSecret("team-b", "acr-sp", { "client-id": "sp-client", "client-secret": CLIENT_SECRET })
    .setServiceAccount(NS, "acr-wi", {
      "azure.workload.identity/client-id": "wi-client",
      "azure.workload.identity/tenant-id": "tenant-1",
    })
    .setServiceAccount(NS, "plain");
  ctx = { kube, namespace: NS };
  fake.aad.clients.clear();
  fake.aad.clients.set("sp-client", { secret: CLIENT_SECRET });
  fake.aad.clients.set("wi-client", {
    federated: (assertion) => {
      const claims = kube.verifyToken(assertion);
      return claims?.sub === `system:serviceaccount:${NS}:acr-wi` && claims.aud.includes("api://AzureADTokenExchange");
    },
  });
  fake.aad.managedIdentities.clear();
  fake.aad.managedIdentities.add("mi-client-id");
});

afterEach(() => {
  fake.faults.length = 0;
  fake.requests.length = 0;
  fake.acceptedResources = new Set(["https://management.azure.com", "https://management.core.windows.net"]);
  process.env.ESO_AZURE_CA_BUNDLE = join(dir, "ca.pem");
  configureTenantPolicy();
});

const servicePrincipal = (extra: Partial<ACRAccessTokenSpec> = {}): ACRAccessTokenSpec => ({
  registry: fake.registry,
  tenantId: "tenant-1",
  auth: {
    servicePrincipal: {
      secretRef: {
        clientId: { name: "acr-sp", key: "client-id" },
        clientSecret: { name: "acr-sp", key: "client-secret" },
      },
    },
  },
  ...extra,
});

async function failure(spec: ACRAccessTokenSpec, c: GeneratorContext = ctx): Promise<Error> {
  try {
    await gen.generate(spec, c);
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

/** No error may show a credential the test world holds. */
function assertNoCredential(err: Error): void {
  const secrets = [
    CLIENT_SECRET,
    ...fake.exchanges.map((e) => e.refreshToken),
    ...fake.accessTokens.map((a) => a.token),
  ];
  for (const s of secrets) assert.ok(!err.message.includes(s), `error shows a credential: ${err.message}`);
  assert.doesNotMatch(err.message, /at-[0-9a-f-]{36}|eyJ/, "error shows a token");
}

describe("ACRAccessToken", () => {
  test("servicePrincipal without scope: the refresh token as password, the null GUID as username", async () => {
    const { data, state } = await gen.generate(servicePrincipal(), ctx);
    assert.deepEqual(Object.keys(data).sort(), ["password", "username"]);
    assert.equal(data.username?.toString(), ACR_TOKEN_USERNAME);
    assert.equal(ACR_TOKEN_USERNAME, "00000000-0000-0000-0000-000000000000");
    const exchange = fake.exchanges.at(-1)!;
    assert.equal(data.password?.toString(), exchange.refreshToken);
    assert.equal(exchange.tenant, "tenant-1");
    assert.equal(exchange.resource, "https://management.azure.com");
    assert.equal(fake.aad.tokenScopes.at(-1), "https://management.azure.com/.default");
    assert.deepEqual(fake.requests, ["POST /oauth2/exchange"]);
    assert.equal(state, undefined, "nothing to revoke");
  });

  test("with scope: an access token for exactly that scope", async () => {
    const scope = "repository:team-a/app:pull,push";
    const { data } = await gen.generate(servicePrincipal({ scope }), ctx);
    assert.deepEqual(fake.requests, ["POST /oauth2/exchange", "POST /oauth2/token"]);
    assert.deepEqual(fake.accessTokens.at(-1)?.scope, scope);
    assert.equal(data.password?.toString(), fake.accessTokens.at(-1)?.token);
    assert.equal(data.username?.toString(), ACR_TOKEN_USERNAME);
  });

  test("managedIdentity: the controller's identity by client id through IMDS", async () => {
    const spec: ACRAccessTokenSpec = {
      registry: fake.registry,
      auth: { managedIdentity: { identityId: "mi-client-id" } },
    };
    const { data } = await gen.generate(spec, ctx);
    const exchange = fake.exchanges.at(-1)!;
    assert.equal(data.password?.toString(), exchange.refreshToken);
    assert.equal(exchange.resource, "https://management.azure.com");
    assert.equal(exchange.tenant, "", "a managed identity's tenant is not known without spec.tenantId");

    const unknown = await failure({
      registry: fake.registry,
      auth: { managedIdentity: { identityId: "someone-else" } },
    });
    assert.match(unknown.message, /^spec\.auth\.managedIdentity: Entra ID token request failed/);
  });

  test("managedIdentity is refused when the operator refuses ambient credentials to namespaced objects", async () => {
    configureTenantPolicy({ refuseAmbientCredentials: true });
    const before = fake.aad.tokenRequests;
    const err = await failure({ registry: fake.registry, auth: { managedIdentity: { identityId: "mi-client-id" } } });
    assert.match(err.message, /^spec\.auth\.managedIdentity: .*Azure managed identity is refused/);
    assert.equal(fake.aad.tokenRequests, before, "no token was requested");
  });

  test("workloadIdentity: a federated ServiceAccount token with the default and the ref's audiences", async () => {
    const spec: ACRAccessTokenSpec = {
      registry: fake.registry,
      auth: { workloadIdentity: { serviceAccountRef: { name: "acr-wi", audiences: ["https://extra.example"] } } },
    };
    const { data } = await gen.generate(spec, ctx);
    const exchange = fake.exchanges.at(-1)!;
    assert.equal(data.password?.toString(), exchange.refreshToken);
    assert.equal(exchange.tenant, "tenant-1", "the tenant annotation is sent to the registry");
    assert.deepEqual(kube.issued.at(-1), {
      namespace: NS,
      serviceAccount: "acr-wi",
      audiences: ["api://AzureADTokenExchange", "https://extra.example"],
      expirationSeconds: 600,
    });
    // As upstream, workload identity asks for the classic service management resource.
    assert.equal(fake.aad.tokenScopes.at(-1), "https://management.core.windows.net//.default");
    assert.equal(exchange.resource, "https://management.core.windows.net");
  });

  test("workloadIdentity: a ServiceAccount without annotations, or in another namespace, is an error", async () => {
    const plain = await failure({
      registry: fake.registry,
      auth: { workloadIdentity: { serviceAccountRef: { name: "plain" } } },
    });
    assert.match(
      plain.message,
      /^spec\.auth\.workloadIdentity\.serviceAccountRef: .*azure\.workload\.identity\/client-id/,
    );
    const elsewhere = await failure({
      registry: fake.registry,
      auth: { workloadIdentity: { serviceAccountRef: { name: "acr-wi", namespace: "team-b" } } },
    });
    assert.match(elsewhere.message, /serviceAccountRef\.namespace: a SecretStore may not reference another namespace/);
    assert.equal(kube.issued.length, 0, "no token was requested");
  });

  test("environmentType selects the cloud's management resource; the registry refuses a token for another", async () => {
    const err = await failure(servicePrincipal({ environmentType: "ChinaCloud" }));
    assert.equal(fake.aad.tokenScopes.at(-1), "https://management.chinacloudapi.cn/.default");
    assert.match(
      err.message,
      new RegExp(`^spec\\.registry "${fake.registry}": POST /oauth2/exchange was refused \\(HTTP 401\\)`),
    );
    assertNoCredential(err);

    fake.acceptedResources.add("https://management.chinacloudapi.cn");
    const { data } = await gen.generate(servicePrincipal({ environmentType: "ChinaCloud" }), ctx);
    assert.equal(data.password?.toString(), fake.exchanges.at(-1)?.refreshToken);
    for (const [env, scope] of [
      ["USGovernmentCloud", "https://management.usgovcloudapi.net/.default"],
      ["GermanCloud", "https://management.microsoftazure.de/.default"],
    ] as const) {
      await failure(servicePrincipal({ environmentType: env }));
      assert.equal(fake.aad.tokenScopes.at(-1), scope);
    }
    const stack = await failure(servicePrincipal({ environmentType: "AzureStackCloud" }));
    assert.match(stack.message, /^spec\.environmentType: AzureStackCloud needs a custom cloud configuration/);
  });

  test("a wrong client secret names spec.auth.servicePrincipal and not the secret", async () => {
    fake.aad.clients.set("sp-client", { secret: "the-real-secret" });
    const err = await failure(servicePrincipal());
    assert.match(err.message, /^spec\.auth\.servicePrincipal: Entra ID token request failed.*AADSTS7000215/);
    assertNoCredential(err);
    assert.equal(fake.requests.length, 0, "the registry was not called");
  });

  test("registry faults name the call and status, with no token or body", async () => {
    fake.faults.push({ status: 500 });
    const exchange = await failure(servicePrincipal());
    assert.match(exchange.message, /POST \/oauth2\/exchange failed \(HTTP 500\)$/);
    assert.doesNotMatch(exchange.message, /injected/);
    assertNoCredential(exchange);

    fake.faults.push({ status: 403, path: "/oauth2/token" });
    const refused = await failure(servicePrincipal({ scope: "repository:app:pull" }));
    assert.deepEqual(fake.requests.slice(-2), ["POST /oauth2/exchange", "POST /oauth2/token"]);
    assert.match(refused.message, /POST \/oauth2\/token was refused \(HTTP 403\)/);
    assertNoCredential(refused);
  });

  test("a hanging registry: the call times out naming it, and the caller's abort signal ends it at once", async () => {
    fake.faults.push({ status: 0, path: "/oauth2/exchange" });
    const quick = newAcrAccessTokenGenerator({ requestTimeoutMs: 300 });
    const timedOut = await (async () => {
      try {
        await quick.generate(servicePrincipal(), ctx);
      } catch (err) {
        return err as Error;
      }
      throw new Error("expected a failure");
    })();
    assert.match(timedOut.message, /POST \/oauth2\/exchange failed: timed out after 300ms/);

    fake.faults.push({ status: 0, path: "/oauth2/exchange" });
    const controller = new AbortController();
    const started = Date.now();
    const pending = gen.generate(servicePrincipal(), { ...ctx, signal: controller.signal });
    await eventually(() => fake.requests.filter((r) => r === "POST /oauth2/exchange").length >= 2, {
      what: "the second exchange request",
    });
    controller.abort(new Error("reconcile cancelled"));
    await assert.rejects(pending);
    assert.ok(Date.now() - started < 4_000, "ended well before the 5 s request timeout");
  });

  test("spec errors: registry shape, missing auth, missing tenantId, missing Secret key", async () => {
    const scheme = await failure(servicePrincipal({ registry: "https://myregistry.azurecr.io" }));
    assert.match(scheme.message, /^spec\.registry: must be the registry's domain name/);
    const path = await failure(servicePrincipal({ registry: "myregistry.azurecr.io/v2" }));
    assert.match(path.message, /^spec\.registry: must be/);
    const none = await failure({ registry: fake.registry, auth: {} });
    assert.match(none.message, /^spec\.auth: one of servicePrincipal, managedIdentity or workloadIdentity is required/);
    const noTenant = await failure(servicePrincipal({ tenantId: undefined }));
    assert.match(noTenant.message, /^spec\.tenantId: is required for servicePrincipal/);
    const missingKey = await failure(
      servicePrincipal({
        auth: {
          servicePrincipal: {
            secretRef: {
              clientId: { name: "acr-sp", key: "client-id" },
              clientSecret: { name: "acr-sp", key: "nope" },
            },
          },
        },
      }),
    );
    assert.match(missingKey.message, /^spec\.auth\.servicePrincipal\.secretRef\.clientSecret: key "nope" not found/);
  });

  test("tenancy: a Secret in another namespace is not read", async () => {
    const reads = kube.secretReads;
    const err = await failure(
      servicePrincipal({
        auth: {
          servicePrincipal: {
            secretRef: {
              clientId: { name: "acr-sp", key: "client-id", namespace: "team-b" },
              clientSecret: { name: "acr-sp", key: "client-secret", namespace: "team-b" },
            },
          },
        },
      }),
    );
    assert.match(err.message, /clientId\.namespace: a SecretStore may not reference another namespace/);
    assert.equal(kube.secretReads, reads);
  });

  test("the registry must present a certificate the operator trusts (no plain or unverified HTTPS)", async () => {
    process.env.ESO_AZURE_CA_BUNDLE = join(dir, "aad-only.pem");
    const err = await failure(servicePrincipal());
    assert.match(err.message, /POST \/oauth2\/exchange failed: .*certificate/i);
    assert.equal(fake.requests.length, 0, "no request reached the registry");
    assertNoCredential(err);
  });
});
