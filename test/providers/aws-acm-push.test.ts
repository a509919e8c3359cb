import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import type { AWSProvider as AWSProviderSpec } from "../../src/api/providers/aws.js";
import { TAGGING_ENDPOINT_ENV } from "../../src/providers/aws/acm-tagging.js";
import { ENDPOINT_ENV, newAwsProvider } from "../../src/providers/aws/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { ProviderAuthError } from "../../src/providers/errors.js";
import type { ProviderContext, PushSource } from "../../src/providers/provider.js";
import { FakeAws } from "../fakes/aws-server.js";
import { selfSignedCert } from "../fakes/azurekv-server.js";
import { MemoryKubeAccess } from "../support/memory-kube-access.js";

const provider = newAwsProvider({ maxAttempts: 1, retryBaseMs: 5, requestTimeoutMs: 500, connectionTimeoutMs: 500 });
const NS = "web";
let aws: FakeAws;
let caches = new ClientCaches();
let kube: MemoryKubeAccess;
const ctx = (): ProviderContext => ({ kube, caches, storeKind: "SecretStore", storeName: "acm", namespace: NS });
const acm = (extra: Partial<AWSProviderSpec> = {}): AWSProviderSpec => ({
  service: "CertificateManager",
  region: "us-east-1",
  auth: {
    secretRef: {
      accessKeyIDSecretRef: { name: "awssm-secret", key: "access-key" },
      secretAccessKeySecretRef: { name: "awssm-secret", key: "secret-access-key" },
    },
  },
  ...extra,
});

const leaf = selfSignedCert("www.example.com", ["www.example.com"]);
const ca = selfSignedCert("Example CA", []);
const renewed = selfSignedCert("www.example.com", ["www.example.com"]);

const tls = (cert: string, key: string): PushSource => ({
  name: "site-tls",
  namespace: NS,
  data: { "tls.crt": Buffer.from(cert), "tls.key": Buffer.from(key) },
});
const certOnly = (pem: string) => new X509Certificate(pem).fingerprint256;
const managed = () => aws.certificateArns().filter((a) => aws.certificate(a)?.imported);

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.acm] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  process.env[TAGGING_ENDPOINT_ENV] = aws.url;
});
after(() => aws.stop());
beforeEach(() => {
  caches.clear();
  caches = new ClientCaches();
  for (const a of aws.certificateArns()) aws.certificate(a)!.tags = {};
  aws.addAccessKey("AKIAACM", "acm-secret");
  kube = new MemoryKubeAccess().setSecret(NS, "awssm-secret", {
    "access-key": "AKIAACM",
    "secret-access-key": "acm-secret",
  });
  aws.taggingPageSize = 100;
  aws.requests.length = 0;
});

describe("aws CertificateManager (ACM) PushSecret", () => {
  test("imports tls.crt (leaf then chain) and tls.key, tagged as managed with the prefixed remote key", async () => {
    const c = await provider.newClient(acm({ prefix: "team-a/" }), ctx());
    await c.pushSecret(tls(leaf.certPem + ca.certPem, leaf.keyPem), {
      remoteRef: { remoteKey: "site" },
      metadata: {
        apiVersion: "kubernetes.external-secrets.io/v1alpha1",
        kind: "PushSecretMetadata",
        spec: { tags: { env: "prod" } },
      },
    });
    const [arn] = managed();
    const cert = aws.certificate(arn!)!;
    assert.equal(certOnly(cert.certificatePem), certOnly(leaf.certPem));
    assert.equal(certOnly(cert.chainPem), certOnly(ca.certPem));
    assert.deepEqual(cert.tags, {
      "managed-by": "external-secrets",
      "external-secrets-remote-key": "team-a/site",
      env: "prod",
    });
    // Found by tags (the tagging API, signed for "tagging"), then imported, then tags brought in line.
    const lookup = aws.requests.find((r) => r.action === "GetResources")!;
    assert.equal(lookup.service, "tagging");
    assert.deepEqual(lookup.body.ResourceTypeFilters, ["acm:certificate"]);
    assert.deepEqual(lookup.body.TagFilters, [
      { Key: "managed-by", Values: ["external-secrets"] },
      { Key: "external-secrets-remote-key", Values: ["team-a/site"] },
    ]);
    assert.deepEqual(
      aws.requests.map((r) => r.action),
      ["GetResources", "ImportCertificate", "ListTagsForCertificate", "AddTagsToCertificate"],
    );
    assert.equal(await c.secretExists({ remoteKey: "site" }), true);
    assert.equal(await c.secretExists({ remoteKey: "other" }), false);
  });

  test("an unchanged certificate is not re-imported; a renewed one is re-imported to the same ARN", async () => {
    const c = await provider.newClient(acm(), ctx());
    await c.pushSecret(tls(leaf.certPem, leaf.keyPem), { remoteRef: { remoteKey: "renew" } });
    const arn = managed().find((a) => aws.certificate(a)?.tags?.["external-secrets-remote-key"] === "renew")!;
    aws.requests.length = 0;
    await c.pushSecret(tls(leaf.certPem, leaf.keyPem), { remoteRef: { remoteKey: "renew" } });
    assert.equal(aws.count("ImportCertificate"), 0);
    // The ARN is remembered: no second tag search.
    assert.equal(aws.count("GetResources"), 0);
    await c.pushSecret(tls(renewed.certPem, renewed.keyPem), { remoteRef: { remoteKey: "renew" } });
    const reimport = aws.requests.find((r) => r.action === "ImportCertificate")!;
    assert.equal(reimport.body.CertificateArn, arn);
    assert.equal(reimport.body.Tags, undefined);
    assert.equal(certOnly(aws.certificate(arn)!.certificatePem), certOnly(renewed.certPem));
    assert.equal(aws.certificate(arn)!.tags?.["managed-by"], "external-secrets");
  });

  test("a new client finds the managed certificate by its tags across pages", async () => {
    aws.taggingPageSize = 1;
    const first = await provider.newClient(acm(), ctx());
    await first.pushSecret(tls(leaf.certPem, leaf.keyPem), { remoteRef: { remoteKey: "paged" } });
    await first.close();
    caches.clear();
    caches = new ClientCaches();
    const before = managed().length;
    const again = await provider.newClient(acm(), ctx());
    await again.pushSecret(tls(renewed.certPem, renewed.keyPem), { remoteRef: { remoteKey: "paged" } });
    assert.equal(managed().length, before, "re-imported, not imported again");
    assert.equal(await again.secretExists({ remoteKey: "paged" }), true);
  });

  test("tags follow metadata: removed ones go, ours stay", async () => {
    const c = await provider.newClient(acm(), ctx());
    const meta = (tags: Record<string, string>) => ({ kind: "PushSecretMetadata", spec: { tags } });
    await c.pushSecret(tls(leaf.certPem, leaf.keyPem), {
      remoteRef: { remoteKey: "tags" },
      metadata: meta({ a: "1", b: "2" }),
    });
    await c.pushSecret(tls(leaf.certPem, leaf.keyPem), {
      remoteRef: { remoteKey: "tags" },
      metadata: meta({ b: "3" }),
    });
    const arn = managed().find((a) => aws.certificate(a)?.tags?.["external-secrets-remote-key"] === "tags")!;
    assert.deepEqual(aws.certificate(arn)!.tags, {
      "managed-by": "external-secrets",
      "external-secrets-remote-key": "tags",
      b: "3",
    });
  });

  test("deleteSecret removes only the managed certificate; a certificate without the managed tag is refused", async () => {
    const c = await provider.newClient(acm(), ctx());
    await c.pushSecret(tls(leaf.certPem, leaf.keyPem), { remoteRef: { remoteKey: "gone" } });
    const arn = managed().find((a) => aws.certificate(a)?.tags?.["external-secrets-remote-key"] === "gone")!;
    await c.deleteSecret({ remoteKey: "gone" });
    assert.equal(aws.certificate(arn), undefined);
    assert.equal(await c.secretExists({ remoteKey: "gone" }), false);
    await c.deleteSecret({ remoteKey: "gone" });

    await c.pushSecret(tls(leaf.certPem, leaf.keyPem), { remoteRef: { remoteKey: "taken" } });
    const taken = managed().find((a) => aws.certificate(a)?.tags?.["external-secrets-remote-key"] === "taken")!;
    delete aws.certificate(taken)!.tags!["managed-by"];
    await assert.rejects(c.deleteSecret({ remoteKey: "taken" }), /not managed by external-secrets/);
    assert.ok(aws.certificate(taken));
  });

  test("a remembered certificate deleted out of band is imported afresh", async () => {
    const c = await provider.newClient(acm(), ctx());
    await c.pushSecret(tls(leaf.certPem, leaf.keyPem), { remoteRef: { remoteKey: "vanished" } });
    const arn = managed().find((a) => aws.certificate(a)?.tags?.["external-secrets-remote-key"] === "vanished")!;
    aws.dropCertificate(arn);
    await c.pushSecret(tls(leaf.certPem, leaf.keyPem), { remoteRef: { remoteKey: "vanished" } });
    const now = managed().find((a) => aws.certificate(a)?.tags?.["external-secrets-remote-key"] === "vanished");
    assert.ok(now && now !== arn);
  });

  test("refuses a secretKey, a missing tls.key, a tls.crt without certificates; no key material in errors", async () => {
    const c = await provider.newClient(acm(), ctx());
    await assert.rejects(
      c.pushSecret(tls(leaf.certPem, leaf.keyPem), { secretKey: "tls.crt", remoteRef: { remoteKey: "x" } }),
      /secretKey must be empty/,
    );
    await assert.rejects(
      c.pushSecret(
        { name: "s", namespace: NS, data: { "tls.crt": Buffer.from(leaf.certPem) } },
        { remoteRef: { remoteKey: "x" } },
      ),
      /"tls.key" not found or empty/,
    );
    await assert.rejects(
      c.pushSecret(tls(leaf.keyPem, leaf.keyPem), { remoteRef: { remoteKey: "x" } }),
      (err: Error) => /no CERTIFICATE PEM blocks/.test(err.message) && !err.message.includes("PRIVATE KEY"),
    );
    // A key that does not match: ACM's refusal names no value.
    await assert.rejects(
      c.pushSecret(tls(leaf.certPem, renewed.keyPem), { remoteRef: { remoteKey: "x" } }),
      (err: Error) => {
        return /ImportCertificate/.test(err.message) && !err.message.includes(renewed.keyPem.slice(40, 80));
      },
    );
    assert.equal(aws.count("ImportCertificate"), 1);
  });

  test("a caller denied the tag search gets ProviderAuthError and nothing is imported", async () => {
    aws.deny("GetResources");
    try {
      const c = await provider.newClient(acm(), ctx());
      await assert.rejects(
        c.pushSecret(tls(leaf.certPem, leaf.keyPem), { remoteRef: { remoteKey: "denied" } }),
        ProviderAuthError,
      );
      assert.equal(aws.count("ImportCertificate"), 0);
    } finally {
      aws.allow("GetResources");
    }
  });
});
