import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, describe, test } from "node:test";
import { issueCertBundle } from "../../src/webhook/certs.js";
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

describe("webhook with the external-secrets.io API", () => {
  const tls = issueCertBundle(["localhost"], 30, ["127.0.0.1"]);
  let server: WebhookServer;
  before(async () => {
    server = await startWebhookServer({
      tls: { cert: tls.cert, key: tls.key },
      validate: esoValidator,
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
