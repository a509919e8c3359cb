/** Certificate details ESO's PEM helpers need: key identifiers, SANs, chain ordering (leaf → root). */
import { X509Certificate } from "node:crypto";
import { children, type Node, pemEncode, read, readOid } from "./der.js";
import { pemDecodeAll } from "./pem.js";
import { ipString } from "./x509.js";

export interface ParsedCert {
  raw: Buffer;
  subjectKeyId: Buffer;
  authorityKeyId: Buffer;
  hasAuthorityKeyId: boolean;
  sans: { dns: string[]; ips: string[]; emails: string[]; uris: string[] };
}

function extensions(der: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const tbs = children(children(read(der))[0]!);
  const exts = tbs.find((n: Node) => n.tag === 0xa3);
  if (!exts) return out;
  for (const e of children(children(exts)[0]!)) {
    const parts = children(e);
    out.set(readOid(parts[0]!), Buffer.from(parts[parts.length - 1]!.content));
  }
  return out;
}

/** x509.ParseCertificate, keeping the parts ESO uses. */
export function parseCert(der: Buffer): ParsedCert {
  try {
    new X509Certificate(der);
  } catch (e) {
    throw new Error(`x509: malformed certificate: ${(e as Error).message}`);
  }
  const exts = extensions(der);
  const skidExt = exts.get("2.5.29.14");
  const akidExt = exts.get("2.5.29.35");
  let akid = Buffer.alloc(0);
  if (akidExt) {
    const kid = children(read(akidExt)).find((n) => n.tag === 0x80);
    if (kid) akid = Buffer.from(kid.content);
  }
  const sans = { dns: [] as string[], ips: [] as string[], emails: [] as string[], uris: [] as string[] };
  const sanExt = exts.get("2.5.29.17");
  if (sanExt) {
    for (const n of children(read(sanExt))) {
      const text = n.content.toString("latin1");
      if (n.tag === 0x82) sans.dns.push(text);
      else if (n.tag === 0x81) sans.emails.push(text);
      else if (n.tag === 0x86) sans.uris.push(text);
      else if (n.tag === 0x87) sans.ips.push(ipString(n.content));
    }
  }
  return {
    raw: der,
    subjectKeyId: skidExt ? Buffer.from(read(skidExt).content) : Buffer.alloc(0),
    authorityKeyId: akid,
    hasAuthorityKeyId: akid.length > 0,
    sans,
  };
}

/** ESO's fetchX509CertChains: one chain ordered leaf → intermediates → root, by AKID/SKID links. */
export function orderChain(certs: ParsedCert[]): ParsedCert[] {
  const nodes = certs.map((cert) => ({ cert, parent: undefined as number | undefined, isParent: false }));
  for (let i = 0; i < nodes.length; i++) {
    for (let j = 0; j < nodes.length; j++) {
      if (i === j) continue;
      if (nodes[i]!.cert.authorityKeyId.equals(nodes[j]!.cert.subjectKeyId)) {
        nodes[j]!.isParent = true;
        nodes[i]!.parent = j;
        break;
      }
    }
  }
  let leaf: number | undefined;
  for (let i = 0; i < nodes.length; i++) {
    if (!nodes[i]!.isParent) {
      if (leaf !== undefined) throw new Error("found multiple leaf or disjunct certificates");
      leaf = i;
    }
  }
  if (leaf === undefined) throw new Error("no leaf certificate found");
  const out: ParsedCert[] = [];
  let cur: number | undefined = leaf;
  while (cur !== undefined) {
    if (out.length >= nodes.length) throw new Error("constructing chain resulted in cycle");
    out.push(nodes[cur]!.cert);
    cur = nodes[cur]!.parent;
  }
  return out;
}

export function parseCertsPEM(text: string): ParsedCert[] {
  return pemDecodeAll(text).map((b) => parseCert(b.bytes));
}

export function certsToPEM(certs: ParsedCert[]): string {
  return certs.map((c) => pemEncode("CERTIFICATE", c.raw)).join("");
}

export function isRootCert(c: ParsedCert): boolean {
  return !c.hasAuthorityKeyId || c.authorityKeyId.equals(c.subjectKeyId);
}
