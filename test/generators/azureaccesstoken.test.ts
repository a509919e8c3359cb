/**
 * AzureAccessToken against the loopback Entra ID fake: each auth method (client secret, client certificate,
 * managed identity by client/resource/object id, workload identity by ServiceAccount or the controller's own)
 * yields a token for exactly spec.resource under the "token" key; failures name the spec field and never show a
 * credential; a generator reads only its own namespace and uses the controller's identity only when allowed;
 * upstream's CEL rules and enums hold in validation.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { Value } from "@sinclair/typebox/value";
import { generatorSpecIssues } from "../../src/api/generator-validation.js";
import { type AzureAccessTokenSpec, AzureAccessTokenSpecSchema } from "../../src/api/generators/azureaccesstoken.js";
import { generatorKinds } from "../../src/api/generators.js";
import { azureAccessTokenGenerator as gen } from "../../src/generators/azureaccesstoken/index.js";
import { builtinGenerators } from "../../src/generators/builtin.js";
import type { GeneratorContext } from "../../src/generators/generator.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { type AzureKVFake, selfSignedCert, startAzureKVFake } from "../fakes/azurekv-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const NS = "team-a";
const DEVOPS = "499b84ac-1321-427f-aa17-267ca6975798";
const CLIENT_SECRET = "entra-sp-client-secret-value";
const OWN_TOKEN = "own-projected-sa-token-value";
const ENV = [
  "ESO_AZURE_CA_BUNDLE",
  "AZURE_AUTHORITY_HOST",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "AZURE_CLIENT_ID",
  "AZURE_TENANT_ID",
  "AZURE_FEDERATED_TOKEN_FILE",
] as const;
const cert = selfSignedCert("sp-cert");

let fake: AzureKVFake;
let dir: string;
let kube: MemoryKubeAccess;
let ctx: GeneratorContext;
const saved: Record<string, string | undefined> = {};

before(async () => {
  fake = await startAzureKVFake("tenant-1");
  dir = mkdtempSync(join(tmpdir(), "azure-token-"));
  writeFileSync(join(dir, "ca.pem"), fake.caPem);
  writeFileSync(join(dir, "sa-token"), OWN_TOKEN);
  for (const k of ENV) saved[k] = process.env[k];
  process.env.ESO_AZURE_CA_BUNDLE = join(dir, "ca.pem");
  process.env.AZURE_AUTHORITY_HOST = fake.url;
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = fake.imdsUrl;
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
    .setSecret(NS, "sp", {
      "client-id": "sp-client",
      "client-secret": CLIENT_SECRET,
      "cert-id": "cert-client",
      pem: `${cert.certPem}\n${cert.keyPem}`,
      "not-pem": "just-some-opaque-text",
    })
    .setSecret("team-b", "sp", { "client-id": "sp-client", "client-secret": CLIENT_SECRET })
    .setServiceAccount(NS, "wi", {
      "azure.workload.identity/client-id": "wi-client",
      "azure.workload.identity/tenant-id": "tenant-1",
    })
    .setServiceAccount(NS, "no-tenant", { "azure.workload.identity/client-id": "wi-client" });
  ctx = { kube, namespace: NS };
  fake.clients.clear();
  fake.clients.set("sp-client", { secret: CLIENT_SECRET });
  fake.clients.set("cert-client", { certificatePem: cert.certPem });
  fake.clients.set("wi-client", {
    federated: (assertion) => {
      const claims = kube.verifyToken(assertion);
      return claims?.sub === `system:serviceaccount:${NS}:wi` && claims.aud.includes("api://AzureADTokenExchange");
    },
  });
  fake.clients.set("own-client", { federated: (assertion) => assertion === OWN_TOKEN });
  fake.managedIdentities.clear();
  for (const id of ["mi-client-id", "/subscriptions/s/resourceGroups/rg/providers/x/mi", "mi-object-id"]) {
    fake.managedIdentities.add(id);
  }
});

afterEach(() => {
  configureTenantPolicy();
  for (const k of ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE"] as const) delete process.env[k];
});

const withSecret = (extra: Partial<AzureAccessTokenSpec> = {}): AzureAccessTokenSpec => ({
  resource: DEVOPS,
  tenantId: "tenant-1",
  auth: {
    servicePrincipal: {
      secretRef: { clientId: { name: "sp", key: "client-id" }, clientSecret: { name: "sp", key: "client-secret" } },
    },
  },
  ...extra,
});

async function failure(spec: AzureAccessTokenSpec, c: GeneratorContext = ctx): Promise<Error> {
  try {
    await gen.generate(spec, c);
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

function assertNoCredential(err: Error): void {
  for (const s of [CLIENT_SECRET, OWN_TOKEN, cert.keyPem.split("\n")[1]!]) {
    assert.ok(!err.message.includes(s), `error shows a credential: ${err.message}`);
  }
  assert.doesNotMatch(err.message, /at-[0-9a-f-]{36}|eyJ/, "error shows a token");
}

/** The one value, a token the fake issued for exactly `resource`. */
function assertTokenFor(data: Record<string, Buffer>, resource: string): void {
  assert.deepEqual(Object.keys(data), ["token"]);
  assert.equal(fake.tokenResource(data.token!.toString()), resource);
}

describe("AzureAccessToken", () => {
  test("is registered under upstream's kind, ClusterGenerator key and plural", () => {
    assert.ok(builtinGenerators.includes(gen));
    assert.equal(gen.kind, "AzureAccessToken");
    assert.equal(gen.clusterSpecKey, "azureAccessTokenSpec");
    assert.deepEqual(
      { key: generatorKinds.AzureAccessToken.clusterKey, plural: generatorKinds.AzureAccessToken.plural },
      { key: "azureAccessTokenSpec", plural: "azureaccesstokens" },
    );
  });

  test("servicePrincipal with a client secret: a token for <resource>/.default, nothing to revoke", async () => {
    const { data, state } = await gen.generate(withSecret(), ctx);
    assertTokenFor(data, DEVOPS);
    assert.equal(fake.tokenScopes.at(-1), `${DEVOPS}/.default`);
    assert.equal(state, undefined);

    const arm = await gen.generate(withSecret({ resource: "https://management.azure.com/" }), ctx);
    assert.equal(fake.tokenScopes.at(-1), "https://management.azure.com/.default", "one trailing slash dropped");
    assertTokenFor(arm.data, "https://management.azure.com");
  });

  test("servicePrincipal with a client certificate signs the assertion with the PEM's key", async () => {
    const spec = withSecret({
      auth: {
        servicePrincipal: {
          secretRef: { clientId: { name: "sp", key: "cert-id" }, clientCertificate: { name: "sp", key: "pem" } },
        },
      },
    });
    const { data } = await gen.generate({ ...spec, resource: "https://storage.azure.com" }, ctx);
    assertTokenFor(data, "https://storage.azure.com");

    const before = fake.tokenRequests;
    const notPem = await failure(
      withSecret({
        auth: {
          servicePrincipal: {
            secretRef: { clientId: { name: "sp", key: "cert-id" }, clientCertificate: { name: "sp", key: "not-pem" } },
          },
        },
      }),
    );
    assert.match(notPem.message, /^spec\.auth\.servicePrincipal\.secretRef\.clientCertificate: must hold a PEM/);
    assert.doesNotMatch(notPem.message, /just-some-opaque-text/);
    assert.equal(fake.tokenRequests, before);
  });

  test("a wrong client secret names spec.auth.servicePrincipal and the Entra error, not the secret", async () => {
    fake.clients.set("sp-client", { secret: "the-real-one" });
    const err = await failure(withSecret());
    assert.match(err.message, /^spec\.auth\.servicePrincipal: Entra ID token request failed.*AADSTS7000215/);
    assertNoCredential(err);
  });

  test("managedIdentity: client id, resource id (inferred from '/') and explicit object id", async () => {
    const cases: [AzureAccessTokenSpec["auth"]["managedIdentity"], string][] = [
      [{ identityId: "mi-client-id" }, "client_id"],
      [{ identityId: "/subscriptions/s/resourceGroups/rg/providers/x/mi" }, "msi_res_id"],
      [{ identityId: "mi-object-id", identityType: "ObjectID" }, "object_id"],
    ];
    for (const [managedIdentity, param] of cases) {
      const { data } = await gen.generate({ resource: DEVOPS, auth: { managedIdentity } }, ctx);
      assertTokenFor(data, DEVOPS);
      assert.equal(fake.imdsSelectors.at(-1), `${param}=${managedIdentity?.identityId}`);
    }
    // identityType wins over the inference: a resource-looking id typed as a client id is sent as one.
    const typed = await failure({
      resource: DEVOPS,
      auth: { managedIdentity: { identityId: "a/b", identityType: "ClientID" } },
    });
    assert.equal(fake.imdsSelectors.at(-1), "client_id=a/b");
    assert.match(typed.message, /^spec\.auth\.managedIdentity: Entra ID token request failed/);

    const system = await gen.generate({ resource: DEVOPS, auth: { managedIdentity: {} } }, ctx).catch((e) => e);
    assert.equal(fake.imdsSelectors.at(-1), "system", "no identityId: the system-assigned identity");
    assert.ok(system instanceof Error, "the fake has no system-assigned identity");
  });

  test("managedIdentity is refused when the operator refuses ambient credentials to namespaced objects", async () => {
    configureTenantPolicy({ refuseAmbientCredentials: true });
    const before = fake.tokenRequests;
    const err = await failure({ resource: DEVOPS, auth: { managedIdentity: { identityId: "mi-client-id" } } });
    assert.match(err.message, /^spec\.auth\.managedIdentity: .*Azure managed identity is refused/);
    assert.equal(fake.tokenRequests, before);
  });

  test("workloadIdentity: a federated ServiceAccount token with the default and the ref's audiences", async () => {
    const spec: AzureAccessTokenSpec = {
      resource: DEVOPS,
      auth: { workloadIdentity: { serviceAccountRef: { name: "wi", audiences: ["https://extra.example"] } } },
    };
    const { data } = await gen.generate(spec, ctx);
    assertTokenFor(data, DEVOPS);
    assert.deepEqual(kube.issued.at(-1), {
      namespace: NS,
      serviceAccount: "wi",
      audiences: ["api://AzureADTokenExchange", "https://extra.example"],
      expirationSeconds: 600,
    });
  });

  test("workloadIdentity: a missing tenant annotation or a namespace on the ref is an error", async () => {
    const noTenant = await failure({
      resource: DEVOPS,
      tenantId: "tenant-1",
      auth: { workloadIdentity: { serviceAccountRef: { name: "no-tenant" } } },
    });
    assert.match(noTenant.message, /serviceAccountRef: .*azure\.workload\.identity\/tenant-id annotation/);
    const elsewhere = await failure({
      resource: DEVOPS,
      auth: { workloadIdentity: { serviceAccountRef: { name: "wi", namespace: "team-b" } } },
    });
    assert.match(elsewhere.message, /serviceAccountRef\.namespace: is not supported/);
    assert.equal(kube.issued.length, 0, "no ServiceAccount token was requested");
  });

  test("workloadIdentity without serviceAccountRef: the controller's own federated identity", async () => {
    const spec: AzureAccessTokenSpec = { resource: DEVOPS, auth: { workloadIdentity: {} } };
    const unset = await failure(spec);
    assert.match(unset.message, /AZURE_FEDERATED_TOKEN_FILE is not set/);

    process.env.AZURE_CLIENT_ID = "own-client";
    process.env.AZURE_TENANT_ID = "tenant-1";
    process.env.AZURE_FEDERATED_TOKEN_FILE = join(dir, "sa-token");
    const { data } = await gen.generate(spec, ctx);
    assertTokenFor(data, DEVOPS);

    configureTenantPolicy({ refuseAmbientCredentials: true });
    const refused = await failure(spec);
    assert.match(refused.message, /^spec\.auth\.workloadIdentity: .*Azure workload identity is refused/);
    assertNoCredential(refused);
  });

  test("spec errors name the field: resource, auth, tenantId, secret vs certificate, identityType, cloud", async () => {
    const before = fake.tokenRequests;
    const cases: [AzureAccessTokenSpec, RegExp][] = [
      [withSecret({ resource: "" }), /^spec\.resource: is required/],
      [withSecret({ auth: {} }), /^spec\.auth: one of servicePrincipal, managedIdentity or workloadIdentity/],
      [withSecret({ tenantId: undefined }), /^spec\.tenantId: is required when servicePrincipal auth is used/],
      [
        withSecret({
          auth: {
            servicePrincipal: {
              secretRef: {
                clientId: { name: "sp", key: "client-id" },
                clientSecret: { name: "sp", key: "client-secret" },
                clientCertificate: { name: "sp", key: "pem" },
              },
            },
          },
        }),
        /^spec\.auth\.servicePrincipal\.secretRef: exactly one of clientSecret or clientCertificate/,
      ],
      [
        { resource: DEVOPS, auth: { managedIdentity: { identityType: "ObjectID" } } },
        /^spec\.auth\.managedIdentity\.identityId: is required when identityType is set/,
      ],
      [
        withSecret({ environmentType: "AzureStackCloud" as "PublicCloud" }),
        /^spec\.environmentType: must be one of PublicCloud, USGovernmentCloud, ChinaCloud or GermanCloud/,
      ],
    ];
    for (const [spec, message] of cases) assert.match((await failure(spec)).message, message);
    assert.equal(fake.tokenRequests, before, "no token was requested for an invalid spec");
  });

  test("tenancy: a Secret in another namespace is not read", async () => {
    const reads = kube.secretReads;
    const err = await failure(
      withSecret({
        auth: {
          servicePrincipal: {
            secretRef: {
              clientId: { name: "sp", key: "client-id", namespace: "team-b" },
              clientSecret: { name: "sp", key: "client-secret", namespace: "team-b" },
            },
          },
        },
      }),
    );
    assert.match(err.message, /clientId\.namespace: a SecretStore may not reference another namespace/);
    assert.equal(kube.secretReads, reads);
  });

  test("Entra ID must present a certificate the operator trusts", async () => {
    const other = selfSignedCert("someone-else");
    writeFileSync(join(dir, "other.pem"), other.certPem);
    process.env.ESO_AZURE_CA_BUNDLE = join(dir, "other.pem");
    try {
      const before = fake.tokenRequests;
      const err = await failure(withSecret());
      assert.match(err.message, /^spec\.auth\.servicePrincipal: Entra ID token request failed/);
      assert.equal(fake.tokenRequests, before);
      assertNoCredential(err);
    } finally {
      process.env.ESO_AZURE_CA_BUNDLE = join(dir, "ca.pem");
    }
  });
});

describe("AzureAccessToken validation (upstream's schema and CEL rules)", () => {
  const valid = {
    resource: DEVOPS,
    tenantId: "t",
    auth: {
      servicePrincipal: { secretRef: { clientId: { name: "s", key: "id" }, clientSecret: { name: "s", key: "k" } } },
    },
  };

  test("schema: resource required and non-empty, exactly one auth method, cloud enum without AzureStackCloud", () => {
    assert.ok(Value.Check(AzureAccessTokenSpecSchema, valid));
    assert.ok(!Value.Check(AzureAccessTokenSpecSchema, { ...valid, resource: "" }));
    assert.ok(!Value.Check(AzureAccessTokenSpecSchema, { auth: valid.auth }));
    assert.ok(!Value.Check(AzureAccessTokenSpecSchema, { ...valid, auth: {} }));
    assert.ok(
      !Value.Check(AzureAccessTokenSpecSchema, { ...valid, auth: { ...valid.auth, managedIdentity: {} } }),
      "two auth methods",
    );
    assert.ok(!Value.Check(AzureAccessTokenSpecSchema, { ...valid, environmentType: "AzureStackCloud" }));
    assert.ok(Value.Check(AzureAccessTokenSpecSchema, { ...valid, environmentType: "GermanCloud" }));
    assert.ok(
      !Value.Check(AzureAccessTokenSpecSchema, {
        resource: DEVOPS,
        auth: { managedIdentity: { identityId: "x", identityType: "PrincipalID" } },
      }),
    );
  });

  test("CEL rules: tenantId with servicePrincipal, secret xor certificate, identityId with identityType, no SA namespace", () => {
    const issues = (spec: unknown) => generatorSpecIssues("AzureAccessToken", spec, "spec").map((i) => i.path);
    assert.deepEqual(issues(valid), []);
    assert.deepEqual(issues({ ...valid, tenantId: undefined }), ["spec.tenantId"]);
    assert.deepEqual(
      issues({ ...valid, auth: { servicePrincipal: { secretRef: { clientId: { name: "s", key: "id" } } } } }),
      ["spec.auth.servicePrincipal.secretRef"],
    );
    assert.deepEqual(issues({ resource: DEVOPS, auth: { managedIdentity: { identityType: "ClientID" } } }), [
      "spec.auth.managedIdentity.identityId",
    ]);
    assert.deepEqual(
      issues({ resource: DEVOPS, auth: { workloadIdentity: { serviceAccountRef: { name: "a", namespace: "b" } } } }),
      ["spec.auth.workloadIdentity.serviceAccountRef.namespace"],
    );
    assert.deepEqual(
      issues({ resource: DEVOPS, auth: { workloadIdentity: { serviceAccountRef: { name: "a" } } } }),
      [],
    );
  });
});
