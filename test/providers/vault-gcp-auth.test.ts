/** spec.provider.vault.auth.gcp: Vault's gcp auth method with a service account key, GKE workload identity or GCE. */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import type { VaultProvider as VaultProviderSpec } from "../../src/api/providers/vault.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { ProviderAuthError, StoreConfigError } from "../../src/providers/errors.js";
import type { ProviderContext, StoreKind } from "../../src/providers/provider.js";
import { configureTenantPolicy } from "../../src/providers/tenant-policy.js";
import { newVaultProvider } from "../../src/providers/vault/index.js";
import { pointGoogleClientsAt } from "../fakes/gcpsm-server.js";
import { FakeGoogle, FakeVault, makeServiceAccountKey, verifyRs256 } from "../fakes/vault-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const provider = newVaultProvider({ requestTimeoutMs: 2000, maxRetries: 0, retryBaseMs: 5 });
const NS = "team-a";
const KEY_SA = "eso-reader@proj.iam.gserviceaccount.com";
const WI_SA = "eso-wi@proj.iam.gserviceaccount.com";
const GCE_SA = "node-sa@proj.iam.gserviceaccount.com";
const POOL = "proj.svc.id.goog";

let vault: FakeVault;
let google: FakeGoogle;
let kube: MemoryKubeAccess;
let caches: ClientCaches;
const saKey = makeServiceAccountKey(KEY_SA);
const strangerKey = makeServiceAccountKey("stranger@proj.iam.gserviceaccount.com");
let restoreEnv: () => void;

function ctx(kind: StoreKind = "SecretStore"): ProviderContext {
  return { kube, caches, storeKind: kind, storeName: "vault-gcp", namespace: NS };
}

function spec(gcp: NonNullable<NonNullable<VaultProviderSpec["auth"]>["gcp"]>): VaultProviderSpec {
  return { server: vault.url, path: "secret", version: "v2", auth: { gcp } };
}

before(async () => {
  vault = await new FakeVault().start();
  google = await new FakeGoogle({
    verifyKubeToken: (t) => kube.verifyToken(t),
    pool: POOL,
    bindings: { [WI_SA]: [`system:serviceaccount:${NS}:vault-reader`] },
    gceServiceAccount: GCE_SA,
    attributes: { "cluster-name": "prod", "cluster-location": "europe-west1" },
  }).start();
  restoreEnv = pointGoogleClientsAt(google.url);
  vault
    .trustGoogleKey(saKey.kid, saKey.publicKeyPem)
    .trustGoogleKey(strangerKey.kid, strangerKey.publicKeyPem)
    .trustGoogleKey(google.kid, google.publicKeyPem)
    .enableGcpAuth("gcp", {
      "eso-iam": { type: "iam", boundServiceAccounts: [KEY_SA, WI_SA] },
      "eso-gce": { type: "gce", boundServiceAccounts: [GCE_SA] },
    })
    .enableGcpAuth("gcp-custom", { "eso-iam": { type: "iam", boundServiceAccounts: [KEY_SA] } })
    .mountKv("secret", 2)
    .putSecret("secret", "app", { password: "from-vault" });
});

after(async () => {
  restoreEnv();
  await vault.stop();
  await google.stop();
});

beforeEach(() => {
  caches = new ClientCaches();
  kube = new MemoryKubeAccess()
    .setSecret(NS, "gcp-key", { "key.json": saKey.json })
    .setSecret(NS, "stranger-key", { "key.json": strangerKey.json })
    .setSecret(NS, "not-json", { "key.json": "this is not a key" })
    .setSecret("other", "gcp-key", { "key.json": saKey.json })
    .setServiceAccount(NS, "vault-reader", { "iam.gke.io/gcp-service-account": WI_SA })
    .setServiceAccount(NS, "unbound", { "iam.gke.io/gcp-service-account": "nobody@proj.iam.gserviceaccount.com" })
    .setServiceAccount(NS, "plain");
  vault.requests.length = 0;
  google.requests.length = 0;
});

afterEach(() => configureTenantPolicy());

const gcpLogins = (mount = "gcp") => vault.requests.filter((r) => r.path === `auth/${mount}/login`);

describe("vault auth.gcp: service account key (iam)", () => {
  test("signs an iam login JWT with the key and reads with the issued token", async () => {
    const c = await provider.newClient(
      spec({ role: "eso-iam", secretRef: { secretAccessKeySecretRef: { name: "gcp-key", key: "key.json" } } }),
      ctx(),
    );
    assert.equal((await c.getSecret({ key: "app", property: "password" })).toString(), "from-vault");
    const [login] = gcpLogins();
    assert.equal(login?.body.role, "eso-iam");
    const claims = verifyRs256(login?.body.jwt, new Map([[saKey.kid, saKey.publicKeyPem]]));
    assert.equal(claims.sub, KEY_SA);
    assert.equal(claims.aud, "vault/eso-iam");
    assert.ok(claims.exp - Date.now() / 1000 <= 15 * 60);
    // Google is not called: the key signs locally.
    assert.equal(google.requests.length, 0);
    assert.deepEqual(await c.validate(), { ready: true });
  });

  test("path selects the mount; the login is cached across clients", async () => {
    const s = spec({
      role: "eso-iam",
      path: "/gcp-custom/",
      secretRef: { secretAccessKeySecretRef: { name: "gcp-key", key: "key.json" } },
    });
    await (await provider.newClient(s, ctx())).getSecret({ key: "app" });
    await (await provider.newClient(s, ctx())).getSecret({ key: "app" });
    assert.equal(gcpLogins("gcp-custom").length, 1);
    assert.equal(gcpLogins().length, 0);
  });

  test("a service account the role does not bind is refused, with no key or JWT in the error", async () => {
    const c = await provider.newClient(
      spec({ role: "eso-iam", secretRef: { secretAccessKeySecretRef: { name: "stranger-key", key: "key.json" } } }),
      ctx(),
    );
    const err = await c.getSecret({ key: "app" }).then(
      () => assert.fail("expected a refusal"),
      (e: Error) => e,
    );
    assert.ok(err instanceof ProviderAuthError, String(err));
    assert.match(err.message, /gcp login at auth\/gcp\/login failed: HTTP 400/);
    assert.doesNotMatch(err.message, /PRIVATE KEY|eyJ/);
    const res = await c.validate();
    assert.equal(res.ready, false);
  });

  test("bad key material and another namespace's Secret are configuration errors", async () => {
    await assert.rejects(
      provider.newClient(
        spec({ role: "eso-iam", secretRef: { secretAccessKeySecretRef: { name: "not-json", key: "key.json" } } }),
        ctx(),
      ),
      (e: Error) =>
        e instanceof StoreConfigError &&
        /auth\.gcp\.secretRef\.secretAccessKeySecretRef: is not a service account key/.test(e.message) &&
        !e.message.includes("this is not a key"),
    );
    await assert.rejects(
      provider.newClient(spec({ role: "eso-iam", secretRef: {} }), ctx()),
      /auth\.gcp\.secretRef\.secretAccessKeySecretRef: is required/,
    );
    await assert.rejects(
      provider.newClient(
        spec({
          role: "eso-iam",
          secretRef: { secretAccessKeySecretRef: { name: "gcp-key", key: "key.json", namespace: "other" } },
        }),
        ctx(),
      ),
      StoreConfigError,
    );
    assert.deepEqual(provider.validate(spec({ role: "" }), "SecretStore").errors, [
      "spec.provider.vault.auth.gcp.role: is required",
    ]);
  });
});

describe("vault auth.gcp: workload identity", () => {
  test("exchanges the ServiceAccount token at STS and has IAM Credentials sign as the bound Google SA", async () => {
    const c = await provider.newClient(
      spec({
        role: "eso-iam",
        projectID: "proj",
        workloadIdentity: {
          serviceAccountRef: { name: "vault-reader" },
          clusterLocation: "europe-west1",
          clusterName: "prod",
        },
      }),
      ctx(),
    );
    assert.equal((await c.getSecret({ key: "app", property: "password" })).toString(), "from-vault");
    assert.deepEqual(kube.issued.at(-1), {
      namespace: NS,
      serviceAccount: "vault-reader",
      audiences: [POOL],
      expirationSeconds: kube.issued.at(-1)?.expirationSeconds,
    });
    const sts = google.requests.find((r) => r.path === "/v1/token");
    assert.equal(
      new URLSearchParams(sts?.body).get("audience"),
      `identitynamespace:${POOL}:https://container.googleapis.com/v1/projects/proj/locations/europe-west1/clusters/prod`,
    );
    assert.ok(
      google.requests.some((r) => decodeURIComponent(r.path) === `/v1/projects/-/serviceAccounts/${WI_SA}:signJwt`),
    );
    const claims = verifyRs256(gcpLogins()[0]?.body.jwt, new Map([[google.kid, google.publicKeyPem]]));
    assert.equal(claims.sub, WI_SA);
    assert.equal(claims.aud, "vault/eso-iam");
  });

  test("cluster name and location come from the GKE metadata server when unset", async () => {
    const c = await provider.newClient(
      spec({
        role: "eso-iam",
        workloadIdentity: { serviceAccountRef: { name: "vault-reader" }, clusterProjectID: "proj" },
      }),
      ctx(),
    );
    await c.getSecret({ key: "app" });
    assert.match(
      new URLSearchParams(google.requests.find((r) => r.path === "/v1/token")?.body).get("audience") ?? "",
      /locations\/europe-west1\/clusters\/prod$/,
    );
  });

  test("an unannotated ServiceAccount is a configuration error; an unbound one is an auth error", async () => {
    await assert.rejects(
      provider.newClient(
        spec({ role: "eso-iam", projectID: "proj", workloadIdentity: { serviceAccountRef: { name: "plain" } } }),
        ctx(),
      ),
      (e: Error) => e instanceof StoreConfigError && /iam\.gke\.io\/gcp-service-account/.test(e.message),
    );
    const c = await provider.newClient(
      spec({ role: "eso-iam", projectID: "proj", workloadIdentity: { serviceAccountRef: { name: "unbound" } } }),
      ctx(),
    );
    await assert.rejects(
      c.getSecret({ key: "app" }),
      (e: Error) => e instanceof ProviderAuthError && /signJwt.*HTTP 403/.test(e.message),
    );
    assert.equal(gcpLogins().length, 0);
  });
});

describe("vault auth.gcp: GCE instance identity", () => {
  test("a ClusterSecretStore without credentials logs in with the metadata server's identity token", async () => {
    const c = await provider.newClient(spec({ role: "eso-gce" }), ctx("ClusterSecretStore"));
    assert.equal((await c.getSecret({ key: "app", property: "password" })).toString(), "from-vault");
    const md = google.requests.find((r) => r.path.endsWith("/service-accounts/default/identity"));
    assert.equal(md?.headers["metadata-flavor"], "Google");
    const claims = verifyRs256(gcpLogins()[0]?.body.jwt, new Map([[google.kid, google.publicKeyPem]]));
    assert.equal(claims.aud, "http://vault/eso-gce");
    assert.equal(claims.email, GCE_SA);
  });

  test("serviceAccountRef uses the GCE identity too, as upstream; the iam role refuses it", async () => {
    const c = await provider.newClient(
      spec({ role: "eso-iam", serviceAccountRef: { name: "vault-reader" } }),
      ctx("ClusterSecretStore"),
    );
    await assert.rejects(c.getSecret({ key: "app" }), ProviderAuthError);
  });

  test("a SecretStore may not use the controller's GCE identity when ambient credentials are refused", async () => {
    configureTenantPolicy({ refuseAmbientCredentials: true });
    await assert.rejects(
      provider.newClient(spec({ role: "eso-gce" }), ctx("SecretStore")),
      (e: Error) =>
        e instanceof StoreConfigError &&
        /^spec\.provider\.vault\.auth\.gcp: a SecretStore or generator must set secretRef or workloadIdentity/.test(
          e.message,
        ),
    );
    assert.equal(google.requests.length, 0);
    const cluster = await provider.newClient(spec({ role: "eso-gce" }), ctx("ClusterSecretStore"));
    assert.equal((await cluster.getSecret({ key: "app", property: "password" })).toString(), "from-vault");
  });
});
