/**
 * The webhook's CA and serving certificate. node:crypto can parse X.509 but not issue it, so issuing
 * uses node-forge; keys come from node:crypto.
 */
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";

export interface CertBundle {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function newKeyPair(): { forgePriv: forge.pki.rsa.PrivateKey; forgePub: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgePriv = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  const forgePub = forge.pki.rsa.setPublicKey(forgePriv.n, forgePriv.e);
  return { forgePriv, forgePub, pem };
}

function serial(): string {
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
}

/** The DNS names a Service is reached by from the API server. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ];
}

/** A fresh self-signed CA and a serving certificate for the given DNS names (and IPs), valid `days` days. */
export function issueCertBundle(dnsNames: string[], days = 365, ipAddresses: string[] = []): CertBundle {
  const now = new Date(Date.now() - 60_000);
  const notAfter = new Date(now.getTime() + days * DAY_MS);

  const ca = newKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.forgePub;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = now;
  caCert.validity.notAfter = notAfter;
  const caSubject = [{ name: "commonName", value: "external-secrets-ca" }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.forgePriv, forge.md.sha256.create());

  const leaf = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.forgePub;
  cert.serialNumber = serial();
  cert.validity.notBefore = now;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: "commonName", value: dnsNames[0] ?? "localhost" }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...ipAddresses.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  cert.sign(ca.forgePriv, forge.md.sha256.create());

  return {
    caCert: forge.pki.certificateToPem(caCert),
    caKey: ca.pem,
    cert: forge.pki.certificateToPem(cert),
    key: leaf.pem,
  };
}

/**
 * Whether a bundle must be (re)issued: missing parts, a leaf not signed by the CA, names not covered, or
 * expiry within `lookaheadMs`.
 */
export function needsRotation(
  bundle: Partial<CertBundle>,
  dnsNames: string[],
  lookaheadMs: number,
  now = Date.now(),
): string | undefined {
  if (!bundle.caCert || !bundle.cert || !bundle.key) return "certificate material missing";
  let leaf: X509Certificate;
  let ca: X509Certificate;
  try {
    leaf = new X509Certificate(bundle.cert);
    ca = new X509Certificate(bundle.caCert);
  } catch {
    return "certificate does not parse";
  }
  if (!leaf.verify(ca.publicKey)) return "serving certificate is not signed by the CA";
  if (Date.parse(ca.validTo) - lookaheadMs <= now) return "certificate expires within the lookahead interval";
  return servingProblem(leaf, dnsNames, lookaheadMs, now);
}

/**
 * Why a serving certificate should not be served any more: it expires within `lookaheadMs` or does not cover
 * one of `dnsNames` (IP addresses among them must be IP subject alternative names). Undefined when it is fine.
 */
export function servingProblem(
  leaf: X509Certificate,
  dnsNames: string[],
  lookaheadMs: number,
  now = Date.now(),
): string | undefined {
  if (Date.parse(leaf.validTo) - lookaheadMs <= now) return "certificate expires within the lookahead interval";
  for (const name of dnsNames) {
    const covered = isIP(name) ? leaf.checkIP(name) : leaf.checkHost(name);
    if (!covered) return `certificate does not cover ${name}`;
  }
  return undefined;
}
