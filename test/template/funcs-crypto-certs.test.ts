import assert from "node:assert/strict";
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  publicEncrypt,
  X509Certificate,
} from "node:crypto";
import { describe, it } from "node:test";
import forge from "node-forge";
import { bytesToGoString } from "../../src/template/funcs/bytes.js";
import { certKeyBits, SprigCertificate } from "../../src/template/funcs/certs.js";
import { createCertificate, issuerOf } from "../../src/template/funcs/x509.js";
import { renderESO } from "../../src/template/index.js";
import { call } from "./funcs-helpers.js";

certKeyBits.rsa = 1024;

const der = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
const pemBlocks = (s: string) => s.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g) ?? [];

describe("sprig key and certificate functions", () => {
  it("genPrivateKey emits the PEM type Sprig uses per algorithm", () => {
    const ec = call("genPrivateKey", "ecdsa") as string;
    assert.match(ec, /^-----BEGIN EC PRIVATE KEY-----\n/);
    assert.equal(createPrivateKey(ec).asymmetricKeyDetails?.namedCurve, "prime256v1");
    const ed = call("genPrivateKey", "ed25519") as string;
    assert.match(ed, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(createPrivateKey(ed).asymmetricKeyType, "ed25519");
    assert.equal(call("genPrivateKey", "foo"), "Unknown type foo");
  });

  it("genCA creates a self-signed CA certificate", () => {
    const ca = call("genCA", "my-ca", 365n) as SprigCertificate;
    assert.ok(ca instanceof SprigCertificate);
    const x = new X509Certificate(ca.Cert);
    assert.equal(x.subject, "CN=my-ca");
    assert.equal(x.issuer, "CN=my-ca");
    assert.equal(x.ca, true);
    assert.ok(x.verify(x.publicKey));
    assert.match(ca.Key, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86400000;
    assert.ok(Math.abs(days - 365) < 1);
  });

  it("certificates are Go structs in templates: .Cert and .Key fields, typeOf sprig.certificate", () => {
    const out = renderESO(
      "t",
      '{{ $ca := genCA "tpl-ca" 1 }}{{ typeOf $ca }} {{ kindOf $ca }}|{{ $ca.Cert }}|{{ $ca.Key }}',
      {},
    );
    const [types, cert, key] = out.split("|");
    assert.equal(types, "sprig.certificate struct");
    assert.equal(new X509Certificate(cert!).subject, "CN=tpl-ca");
    assert.match(key!, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.throws(
      () => renderESO("t", '{{ $ca := genCA "x" 1 }}{{ $ca.Nope }}', {}),
      (e: Error) =>
        e.message ===
        'template: t:1:30: executing "t" at <$ca.Nope>: can\'t evaluate field Nope in type sprig.certificate',
    );
    assert.throws(
      () => renderESO("t", '{{ $ca := genCA "x" 1 }}{{ $ca.Cert 1 }}', {}),
      /Cert has arguments but cannot be invoked as function$/,
    );
  });

  it("genSignedCert is signed by the CA and carries the SANs", () => {
    const ca = call("genCA", "ca", 30n) as SprigCertificate;
    const cert = call("genSignedCert", "svc", ["10.0.0.1", "::1"], ["svc.local", "svc"], 10n, ca) as SprigCertificate;
    const x = new X509Certificate(cert.Cert);
    const cax = new X509Certificate(ca.Cert);
    assert.equal(x.issuer, "CN=ca");
    assert.equal(x.ca, false);
    assert.ok(x.verify(cax.publicKey));
    assert.ok(x.checkIssued(cax));
    assert.equal(x.subjectAltName, "DNS:svc.local, DNS:svc, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    assert.deepEqual(call("certSANs", cert.Cert), ["svc.local", "svc", "10.0.0.1", "::1"]);
    // Go gives Sprig leaf certificates no SubjectKeyId, so the CA's missing AuthorityKeyId "matches" it
    // (bytes.Equal(nil, nil)) and ESO finds no leaf, exactly as here.
    assert.throws(() => call("filterCertChain", "leaf", cert.Cert + ca.Cert), /no leaf certificate found/);
  });

  it("the WithKey variants use the given key (ECDSA and Ed25519 too)", () => {
    const ecKey = call("genPrivateKey", "ecdsa") as string;
    const ca = call("genCAWithKey", "ec-ca", 5n, ecKey) as SprigCertificate;
    assert.equal(ca.Key, ecKey);
    const cax = new X509Certificate(ca.Cert);
    assert.ok(cax.verify(cax.publicKey));
    const edKey = call("genPrivateKey", "ed25519") as string;
    const self = call("genSelfSignedCertWithKey", "ed", null, ["a.example"], 5n, edKey) as SprigCertificate;
    const sx = new X509Certificate(self.Cert);
    assert.ok(sx.verify(sx.publicKey));
    assert.equal(sx.publicKey.asymmetricKeyType, "ed25519");
    const leaf = call("genSignedCertWithKey", "leaf", [], [], 5n, ca, edKey) as SprigCertificate;
    assert.ok(new X509Certificate(leaf.Cert).verify(cax.publicKey));
    const plain = call("genSelfSignedCert", "plain", [], [], 1n) as SprigCertificate;
    assert.ok(new X509Certificate(plain.Cert).verify(new X509Certificate(plain.Cert).publicKey));
  });

  it("buildCustomCert validates and returns the decoded PEMs", () => {
    const ca = call("genCA", "c", 1n) as SprigCertificate;
    const b = call("buildCustomCert", Buffer.from(ca.Cert).toString("base64"), Buffer.from(ca.Key).toString("base64"));
    assert.deepEqual(b, new SprigCertificate(ca.Cert, ca.Key));
    assert.throws(() => call("buildCustomCert", "!!", "a"), /unable to decode base64 certificate/);
    assert.throws(
      () => call("buildCustomCert", Buffer.from("x").toString("base64"), "eA=="),
      /unable to decode certificate/,
    );
  });

  it("reports Sprig's errors", () => {
    assert.throws(() => call("genSelfSignedCert", "x", ["999.1.1.1"], [], 1n), /error parsing ip: 999.1.1.1/);
    assert.throws(
      () => call("genSelfSignedCert", "x", [], [1n], 1n),
      /error processing alternate dns name: 1 is not a string/,
    );
    assert.throws(() => call("genCAWithKey", "x", 1n, "junk"), /parsing private key: no PEM data in input/);
    assert.throws(() => call("genSignedCert", "x", [], [], 1n, { Cert: "", Key: "" }), /expected sprig.certificate/);
  });
});

describe("ESO PKCS#12, PEM, JWK and RSA functions", () => {
  const ca = call("genCA", "root-ca", 10n) as SprigCertificate;
  const leaf = call("genSignedCert", "leaf.example", [], ["leaf.example"], 10n, ca) as SprigCertificate;

  it("pemToPkcs12 / fullPemToPkcs12 round trip through node-forge and pkcs12key/pkcs12cert", () => {
    for (const pass of ["", "s3cret"]) {
      const b64 = (
        pass
          ? call("fullPemToPkcs12Pass", leaf.Cert + ca.Cert, leaf.Key, pass)
          : call("fullPemToPkcs12", leaf.Cert + ca.Cert, leaf.Key)
      ) as string;
      const der = Buffer.from(b64, "base64");
      const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString("binary")), pass);
      const bags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag!] ?? [];
      assert.equal(bags.length, 2);
      const input = bytesToGoString(der);
      const key = (pass ? call("pkcs12keyPass", pass, input) : call("pkcs12key", input)) as string;
      assert.match(key, /^-----BEGIN PRIVATE KEY-----\n/);
      assert.equal(
        createPublicKey(key).export({ format: "pem", type: "spki" }),
        createPublicKey(leaf.Key).export({ format: "pem", type: "spki" }),
      );
      const certs = (pass ? call("pkcs12certPass", pass, input) : call("pkcs12cert", input)) as string;
      assert.equal(certs, leaf.Cert + ca.Cert);
    }
    const single = call("pemToPkcs12", leaf.Cert, leaf.Key) as string;
    assert.equal(call("pkcs12cert", bytesToGoString(Buffer.from(single, "base64"))), leaf.Cert);
    assert.throws(
      () =>
        call(
          "pkcs12keyPass",
          "wrong",
          bytesToGoString(Buffer.from(call("pemToPkcs12Pass", leaf.Cert, leaf.Key, "right") as string, "base64")),
        ),
      /^Error: unable to decode pkcs12 with password: pkcs12: decryption password incorrect$/,
    );
  });

  it("PKCS#12 with an EC key and a trust store", () => {
    const ecKey = call("genPrivateKey", "ecdsa") as string;
    const ec = call("genSelfSignedCertWithKey", "ec", null, null, 2n, ecKey) as SprigCertificate;
    const p12 = bytesToGoString(Buffer.from(call("pemToPkcs12Pass", ec.Cert, ec.Key, "pw") as string, "base64"));
    const key = call("pkcs12keyPass", "pw", p12) as string;
    assert.equal(createPrivateKey(key).asymmetricKeyType, "ec");
    const ts = Buffer.from(call("pemTruststoreToPKCS12Pass", ca.Cert + ec.Cert, "pw") as string, "base64");
    const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(ts.toString("binary")), "pw");
    assert.equal(parsed.safeContents.flatMap((s) => s.safeBags).length, 2);
    assert.ok(call("pemTruststoreToPKCS12", ca.Cert));
  });

  it("filterPEM keeps the requested block type", () => {
    const mixed = `junk\n${leaf.Key}${leaf.Cert}`;
    assert.equal(call("filterPEM", "CERTIFICATE", mixed), leaf.Cert);
    assert.equal(call("filterPEM", "rsa private key", mixed), leaf.Key);
    assert.equal(call("filterPEM", "CERTIFICATE", ""), "");
    assert.throws(
      () => call("filterPEM", "CERTIFICATE", "-----BEGIN X-----\nnot pem"),
      /error filtering pem: found junk/,
    );
  });

  it("filterCertChain orders an unordered chain by key identifiers", () => {
    const rootKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const interKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const leafKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const tpl = (cn: string, isCA: boolean) => ({ cn, ips: [], dnsNames: [], daysValid: 1, isCA, subjectKeyId: true });
    const root = createCertificate(tpl("root", true), rootKey, rootKey);
    const inter = createCertificate(tpl("inter", true), interKey, rootKey, issuerOf(der(root)));
    const leafPem = createCertificate(tpl("leaf", false), leafKey, interKey, issuerOf(der(inter)));
    const all = root + leafPem + inter;
    assert.equal(call("filterCertChain", "leaf", all), leafPem);
    assert.equal(call("filterCertChain", "intermediate", all), inter);
    assert.equal(call("filterCertChain", "root", all), root);
    assert.equal(call("filterCertChain", "other", all), "");
    const keyPem = leafKey.export({ format: "pem", type: "sec1" }) as string;
    const p12 = call("fullPemToPkcs12", leafPem + root + inter, keyPem) as string;
    assert.equal(call("pkcs12cert", bytesToGoString(Buffer.from(p12, "base64"))), leafPem + inter + root);
    assert.equal(pemBlocks(leafPem + inter).length, 2);
  });

  it("jwkPublicKeyPem / jwkPrivateKeyPem convert JWKs", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = privateKey.export({ format: "jwk" });
    const priv = call("jwkPrivateKeyPem", JSON.stringify(jwk)) as string;
    assert.match(priv, /^-----BEGIN PRIVATE KEY-----\n/);
    const { d: _d, ...pubJwk } = jwk;
    const pub = call("jwkPublicKeyPem", JSON.stringify(pubJwk)) as string;
    assert.equal(pub, createPublicKey(privateKey).export({ format: "pem", type: "spki" }));
    assert.throws(
      () => call("jwkPublicKeyPem", JSON.stringify(jwk)),
      /x509: unsupported public key type: \*ecdsa.PrivateKey/,
    );
    assert.throws(() => call("jwkPrivateKeyPem", JSON.stringify(pubJwk)), /unknown key type while marshaling PKCS#8/);
    assert.throws(() => call("jwkPublicKeyPem", "{"), /failed to unmarshal JSON/);
    assert.throws(
      () => call("jwkPrivateKeyPem", "hunter2-key"),
      (e: Error) =>
        e.message === "failed to unmarshal JSON into key hint: invalid character 'h' looking for beginning of value",
    );
  });

  it("rsaDecrypt decrypts RSA-OAEP", () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const pem = privateKey.export({ format: "pem", type: "pkcs1" }) as string;
    for (const [hash, node] of [
      ["SHA1", "sha1"],
      ["SHA256", "sha256"],
      ["None", "sha256"],
    ] as const) {
      const ct = publicEncrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: node },
        Buffer.from("hello"),
      );
      assert.equal(call("rsaDecrypt", "RSA-OAEP", hash, bytesToGoString(ct), pem), "hello");
    }
    assert.equal(call("rsaDecrypt", "None", "SHA1", "plain", pem), "plain");
    assert.throws(() => call("rsaDecrypt", "AES", "SHA1", "x", pem), /decryption scheme AES is not supported/);
    assert.throws(() => call("rsaDecrypt", "RSA-OAEP", "SHA1", "x", "nope"), /failed to decode PEM block/);
    assert.throws(() => call("rsaDecrypt", "RSA-OAEP", "SHA1", "x", pem), /error decrypting data with RSA/);
  });
});
