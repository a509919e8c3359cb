import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, describe, test } from "node:test";
import { registerBuiltinProviders } from "../../src/providers/builtin.js";
import { type FakeSpec, fakeProvider } from "../../src/providers/fake/index.js";
import type { Provider } from "../../src/providers/provider.js";
import { issueCertBundle } from "../../src/util/serving-certs.js";
import { esoConverter, esoValidator } from "../../src/webhook/eso.js";
import { startWebhookServer, type WebhookServer } from "../../src/webhook/server.js";

function post(url: string, body: unknown, ca: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", ca, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const v1beta1Store = {
  apiVersion: "external-secrets.io/v1beta1",
  kind: "SecretStore",
  metadata: { name: "vault-backend", namespace: "production" },
  spec: {
    provider: {
      vault: {
        server: "https://vault.example.com",
        path: "secret",
        version: "v2",
        auth: {
          kubernetes: { mountPath: "kubernetes", role: "production-app", serviceAccountRef: { name: "vault-auth-sa" } },
        },
      },
    },
  },
};

/** A fake provider that warns about the key "noisy", as a provider may warn about a store it still accepts. */
const warningFake: Provider<FakeSpec> = {
  ...fakeProvider,
  validate: (spec, kind) => ({
    errors: fakeProvider.validate(spec, kind).errors,
    warnings: spec.data.some((d) => d.key === "noisy") ? ["spec.provider.fake.data: key noisy is deprecated"] : [],
  }),
};
const providers = registerBuiltinProviders().register(warningFake);

const fakeStore = (data: unknown[]) => ({
  apiVersion: "external-secrets.io/v1",
  kind: "ClusterSecretStore",
  metadata: { name: "demo" },
  spec: { provider: { fake: { data } } },
});

describe("webhook with the external-secrets.io API", () => {
  const tls = issueCertBundle(["localhost"], 30, ["127.0.0.1"]);
  let server: WebhookServer;
  before(async () => {
    server = await startWebhookServer({
      tls: { cert: tls.cert, key: tls.key },
      validate: esoValidator(providers),
      convert: esoConverter,
    });
  });
  after(() => server.close());

  const admit = (object: unknown) =>
    post(
      `${server.url}/validate-externalsecrets`,
      {
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        request: { uid: "r1", operation: "CREATE", object },
      },
      tls.caCert,
    );

  test("rejects an invalid ExternalSecret naming the field path", async () => {
    const out = await admit({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "app", namespace: "team-a" },
      spec: {
        secretStoreRef: { name: "store", kind: "SecretStore" },
        data: [{ secretKey: "bad key!", remoteRef: { key: "db" } }],
      },
    });
    assert.equal(out.response.allowed, false);
    assert.match(out.response.status.message, /ExternalSecret team-a\/app: spec\.data\[0\]\.secretKey/);
  });

  test("an unknown field is a warning, not a denial (Kubernetes drops it)", async () => {
    const out = await admit({
      ...v1beta1Store,
      spec: { ...v1beta1Store.spec, providr: {} },
    });
    assert.equal(out.response.allowed, true);
    assert.match(
      out.response.warnings[0],
      /^warning: SecretStore production\/vault-backend: spec\.providr: unknown field/,
    );
  });

  test("a store its provider finds invalid is denied, naming the provider's field", async () => {
    const vault = v1beta1Store.spec.provider.vault;
    const out = await admit({ ...v1beta1Store, spec: { provider: { vault: { ...vault, server: "vault:8200" } } } });
    assert.equal(out.response.allowed, false);
    assert.match(
      out.response.status.message,
      /^SecretStore production\/vault-backend: spec\.provider\.vault\.server: must be an http\(s\) URL$/,
    );
  });

  test("a provider's warnings come back as admission warnings; the store is admitted", async () => {
    const out = await admit(fakeStore([{ key: "noisy", value: "v" }]));
    assert.equal(out.response.allowed, true);
    assert.deepEqual(out.response.warnings, [
      "warning: ClusterSecretStore demo: spec.provider.fake.data: key noisy is deprecated",
    ]);
    const quiet = await admit(fakeStore([{ key: "calm", value: "v" }]));
    assert.deepEqual(quiet.response, { uid: "r1", allowed: true });
  });

  test("admits a seed manifest", async () => {
    const out = await admit(v1beta1Store);
    assert.deepEqual(out.response, { uid: "r1", allowed: true });
  });

  test("a v1beta1 object round-trips through the conversion webhook unchanged", async () => {
    const review = (objects: unknown[], desiredAPIVersion: string) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      request: { uid: "c1", desiredAPIVersion, objects },
    });
    const up = await post(`${server.url}/convert`, review([v1beta1Store], "external-secrets.io/v1"), tls.caCert);
    assert.equal(up.response.result.status, "Success");
    assert.equal(up.response.convertedObjects[0].apiVersion, "external-secrets.io/v1");
    const down = await post(
      `${server.url}/convert`,
      review(up.response.convertedObjects, "external-secrets.io/v1beta1"),
      tls.caCert,
    );
    assert.deepEqual(down.response.convertedObjects[0], v1beta1Store);
  });
});
