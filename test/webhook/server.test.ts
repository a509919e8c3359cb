import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { issueCertBundle, needsRotation, serviceDnsNames, servingProblem } from "../../src/util/serving-certs.js";
import { startWebhookServer, type WebhookServer } from "../../src/webhook/server.js";

function post(
  url: string,
  path: string,
  body: string,
  ca: string,
): Promise<{ status: number; json: any; peerCert: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: "POST", ca, headers: { "content-type": "application/json" } },
      (res) => {
        const peerCert = (res.socket as import("node:tls").TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, peerCert });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const review = (object: unknown, operation = "CREATE") =>
  JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "u-1",
      operation,
      object,
      kind: { group: "external-secrets.io", version: "v1", kind: "ExternalSecret" },
    },
  });

describe("certificates", () => {
  test("serving certificate covers the Service names and chains to the CA", () => {
    const names = serviceDnsNames("eso-webhook", "external-secrets");
    const b = issueCertBundle(names, 30);
    const leaf = new X509Certificate(b.cert);
    assert.ok(leaf.verify(new X509Certificate(b.caCert).publicKey));
    for (const n of names) assert.ok(leaf.checkHost(n), n);
    assert.equal(needsRotation(b, names, 24 * 3600_000), undefined);
  });

  test("rotation is required when material is missing, foreign, near expiry, or names change", () => {
    const names = ["svc.ns.svc"];
    const b = issueCertBundle(names, 10);
    assert.match(needsRotation({}, names, 0)!, /missing/);
    assert.match(needsRotation({ ...b, caCert: issueCertBundle(names, 10).caCert }, names, 0)!, /not signed/);
    assert.match(needsRotation(b, names, 11 * 24 * 3600_000)!, /expires/);
    assert.match(needsRotation(b, ["other.ns.svc"], 0)!, /does not cover other\.ns\.svc/);
  });

  test("the webhook's readiness rule for the served certificate is the rotation rule for the leaf", () => {
    const b = issueCertBundle(["svc.ns.svc"], 10);
    const leaf = new X509Certificate(b.cert);
    assert.equal(servingProblem(leaf, [], 0), undefined);
    assert.equal(servingProblem(leaf, ["svc.ns.svc"], 9 * 24 * 3600_000), undefined);
    assert.match(servingProblem(leaf, [], 11 * 24 * 3600_000)!, /expires within the lookahead/);
    assert.match(servingProblem(leaf, ["other.ns.svc"], 0)!, /does not cover other\.ns\.svc/);
    assert.equal(needsRotation(b, ["other.ns.svc"], 0), servingProblem(leaf, ["other.ns.svc"], 0));
  });
});

describe("webhook server over HTTPS", () => {
  const bundle = issueCertBundle(["localhost"], 30, ["127.0.0.1"]);
  let server: WebhookServer;
  const outcomes: string[] = [];
  before(async () => {
    server = await startWebhookServer({
      tls: { cert: bundle.cert, key: bundle.key },
      validate: (obj) =>
        (obj as any).spec?.secretStoreRef?.name ? [] : ["ExternalSecret ns/bad: spec.secretStoreRef.name: is required"],
      convert: (obj, apiVersion) => {
        if (apiVersion === "external-secrets.io/v9") throw new Error("unsupported version external-secrets.io/v9");
        return { ...obj, apiVersion };
      },
      onReview: (kind, outcome) => outcomes.push(`${kind}:${outcome}`),
    });
  });
  after(() => server.close());

  test("allows a valid object and denies an invalid one with the field path", async () => {
    const ok = await post(
      server.url,
      "/validate-externalsecrets",
      review({ spec: { secretStoreRef: { name: "s" } } }),
      bundle.caCert,
    );
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.response, { uid: "u-1", allowed: true });
    const bad = await post(server.url, "/validate-externalsecrets", review({ spec: {} }), bundle.caCert);
    assert.equal(bad.json.response.allowed, false);
    assert.equal(bad.json.response.status.code, 422);
    assert.match(bad.json.response.status.message, /spec\.secretStoreRef\.name: is required/);
  });

  test("DELETE is always allowed", async () => {
    const r = await post(server.url, "/validate-externalsecrets", review(null, "DELETE"), bundle.caCert);
    assert.equal(r.json.response.allowed, true);
  });

  test("converts every object to the desired version, or fails the whole review naming the object", async () => {
    const body = (desiredAPIVersion: string) =>
      JSON.stringify({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "ConversionReview",
        request: {
          uid: "c-1",
          desiredAPIVersion,
          objects: [{ apiVersion: "external-secrets.io/v1beta1", kind: "SecretStore" }],
        },
      });
    const ok = await post(server.url, "/convert", body("external-secrets.io/v1"), bundle.caCert);
    assert.equal(ok.json.response.result.status, "Success");
    assert.equal(ok.json.response.convertedObjects[0].apiVersion, "external-secrets.io/v1");
    const bad = await post(server.url, "/convert", body("external-secrets.io/v9"), bundle.caCert);
    assert.equal(bad.json.response.result.status, "Failure");
    assert.match(bad.json.response.result.message, /request\.objects\[0\]: unsupported version/);
  });

  test("malformed and oversized bodies get 4xx, never a crash", async () => {
    assert.equal((await post(server.url, "/validate-externalsecrets", "{not json", bundle.caCert)).status, 400);
    const noReq = await post(server.url, "/convert", JSON.stringify({ kind: "ConversionReview" }), bundle.caCert);
    assert.equal(noReq.status, 400);
    assert.match(noReq.json.message, /ConversionReview/);
    const huge = await post(server.url, "/validate-externalsecrets", `"${"x".repeat(4 * 1024 * 1024)}"`, bundle.caCert);
    assert.equal(huge.status, 413);
    assert.ok(outcomes.includes("admission:bad-request"));
  });
});

describe("certificate reload", () => {
  test("a rotated certificate in the cert dir is served without a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "webhook-certs-"));
    try {
      const first = issueCertBundle(["localhost"], 30, ["127.0.0.1"]);
      writeFileSync(join(dir, "tls.crt"), first.cert);
      writeFileSync(join(dir, "tls.key"), first.key);
      const server = await startWebhookServer({ certDir: dir, validate: () => [], convert: (o) => o });
      try {
        assert.equal(server.certificate()?.fingerprint256, new X509Certificate(first.cert).fingerprint256);
        const a = await post(server.url, "/validate-x", review({}), first.caCert);
        const second = issueCertBundle(["localhost"], 30, ["127.0.0.1"]);
        writeFileSync(join(dir, "tls.key"), second.key);
        writeFileSync(join(dir, "tls.crt"), second.cert);
        let b = a;
        for (let i = 0; i < 100 && b.peerCert === a.peerCert; i++) {
          await new Promise((r) => setTimeout(r, 50));
          b = await post(server.url, "/validate-x", review({}), second.caCert).catch(() => a);
        }
        assert.notEqual(b.peerCert, a.peerCert, "the new certificate is served");
        assert.equal(b.json.response.allowed, true);
        assert.equal(
          server.certificate()?.fingerprint256,
          new X509Certificate(second.cert).fingerprint256,
          "readiness sees the certificate being served",
        );
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
