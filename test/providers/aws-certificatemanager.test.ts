import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import type { AWSProvider as AWSProviderSpec } from "../../src/api/providers/aws.js";
import { ENDPOINT_ENV, newAwsProvider } from "../../src/providers/aws/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { NoSecretError, NotSupportedError, ProviderAuthError } from "../../src/providers/errors.js";
import type { ProviderContext } from "../../src/providers/provider.js";
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
let arn = "";

before(async () => {
  aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.acm] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
});
after(() => aws.stop());
beforeEach(() => {
  caches.clear();
  caches = new ClientCaches();
  aws.addAccessKey("AKIAACM", "acm-secret");
  kube = new MemoryKubeAccess().setSecret(NS, "awssm-secret", {
    "access-key": "AKIAACM",
    "secret-access-key": "acm-secret",
  });
  arn = aws.putCertificate({
    certificatePem: leaf.certPem,
    chainPem: ca.certPem,
    privateKeyPem: leaf.keyPem,
    exportable: true,
  });
  aws.requests.length = 0;
});

const pemBlocks = (s: string) => s.match(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g) ?? [];

describe("aws CertificateManager (ACM) reads", () => {
  test("remoteRef.key is the ARN: certificate, chain and the decrypted private key as one PEM bundle", async () => {
    const c = await provider.newClient(acm(), ctx());
    const pem = (await c.getSecret({ key: arn })).toString();
    const blocks = pemBlocks(pem);
    assert.equal(blocks.length, 3);
    assert.equal(new X509Certificate(blocks[0]!).subject, "CN=www.example.com");
    assert.equal(new X509Certificate(blocks[1]!).subject, "CN=Example CA");
    assert.match(blocks[2]!, /^-----BEGIN PRIVATE KEY-----/);
    assert.ok(new X509Certificate(blocks[0]!).checkPrivateKey(createPrivateKey(blocks[2]!)));
    assert.ok(pem.endsWith("-----END PRIVATE KEY-----\n"));
    assert.deepEqual(
      aws.requests.map((r) => r.action),
      ["GetCertificate", "DescribeCertificate", "ExportCertificate"],
    );
    const exp = aws.requests.find((r) => r.action === "ExportCertificate")!;
    assert.equal(exp.headers["x-amz-target"], "CertificateManager.ExportCertificate");
    assert.equal(exp.accessKeyId, "AKIAACM");
    const pass = Buffer.from(exp.body.Passphrase, "base64").toString();
    assert.match(pass, /^[A-Za-z0-9]{32}$/);
    assert.ok(!pem.includes(pass));
  });

  test("the paid export is reused until the certificate is renewed", async () => {
    const c = await provider.newClient(acm(), ctx());
    const first = (await c.getSecret({ key: arn })).toString();
    await c.close();
    const again = await provider.newClient(acm(), ctx());
    assert.equal((await again.getSecret({ key: arn })).toString(), first);
    assert.equal(aws.count("ExportCertificate"), 1);
    assert.equal(aws.count("GetCertificate"), 2);
    aws.putCertificate({
      arn,
      certificatePem: renewed.certPem,
      chainPem: ca.certPem,
      privateKeyPem: renewed.keyPem,
      exportable: true,
    });
    const after = (await again.getSecret({ key: arn })).toString();
    assert.equal(aws.count("ExportCertificate"), 2);
    assert.ok(after.startsWith(renewed.certPem.trim()));
  });

  test("a certificate imported without a chain yields certificate and key only", async () => {
    const lone = aws.putCertificate({
      certificatePem: leaf.certPem,
      chainPem: "",
      privateKeyPem: leaf.keyPem,
      exportable: true,
    });
    const c = await provider.newClient(acm(), ctx());
    const blocks = pemBlocks((await c.getSecret({ key: lone })).toString());
    assert.equal(blocks.length, 2);
    assert.match(blocks[1]!, /PRIVATE KEY/);
  });

  test("a certificate without export enabled is refused before paying for an export", async () => {
    const locked = aws.putCertificate({
      certificatePem: leaf.certPem,
      chainPem: ca.certPem,
      privateKeyPem: leaf.keyPem,
      exportable: false,
    });
    const c = await provider.newClient(acm(), ctx());
    await assert.rejects(c.getSecret({ key: locked }), /is not exportable/);
    assert.equal(aws.count("ExportCertificate"), 0);
  });

  test("an unknown ARN is NoSecretError; a denied caller is ProviderAuthError; no key material in errors", async () => {
    const c = await provider.newClient(acm(), ctx());
    const missing = `arn:aws:acm:us-east-1:123456789012:certificate/none`;
    await assert.rejects(
      c.getSecret({ key: missing }),
      (e: Error) => e instanceof NoSecretError && e.message.includes(missing),
    );
    aws.deny("ExportCertificate");
    try {
      await assert.rejects(c.getSecret({ key: arn }), (e: Error) => {
        assert.ok(e instanceof ProviderAuthError);
        assert.ok(!e.message.includes("PRIVATE KEY") && !e.message.includes("acm-secret"));
        return true;
      });
    } finally {
      aws.allow("ExportCertificate");
    }
  });

  test("extract and find are not supported; the store reads and writes (push: aws-acm-push) and is ready", async () => {
    const c = await provider.newClient(acm(), ctx());
    await assert.rejects(c.getSecretMap({ key: arn }), NotSupportedError);
    await assert.rejects(c.getAllSecrets({ name: { regexp: ".*" } }), NotSupportedError);
    assert.equal(provider.capabilities(acm()), "ReadWrite");
    assert.deepEqual(await c.validate(), { ready: true });
    assert.deepEqual(provider.validate(acm(), "SecretStore").errors, []);
    assert.match(
      provider.validate({ ...acm(), service: "Nope" as never }, "SecretStore").errors.join(),
      /CertificateManager/,
    );
  });
});
