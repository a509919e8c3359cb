/** X.509 certificate creation like Go's x509.CreateCertificate for Sprig's certificate templates. */
import { createHash, type KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import {
  bitString,
  bool,
  children,
  derTime,
  explicit,
  goString,
  implicitPrim,
  integer,
  nullValue,
  octets,
  oid,
  pemEncode,
  read,
  readOid,
  seq,
  set,
} from "./der.js";
import { publicKeyOf } from "./keys.js";

export interface CertTemplate {
  cn: string;
  ips: Uint8Array[];
  dnsNames: string[];
  daysValid: number;
  isCA: boolean;
  /** Add a SubjectKeyId to a non-CA certificate too (Go only generates one for CAs). */
  subjectKeyId?: boolean;
}

/** net.ParseIP in its 4-byte form for IPv4, 16 bytes for IPv6; undefined when invalid. */
export function parseIP(s: string): Uint8Array | undefined {
  if (isIPv4(s)) {
    if (s.split(".").some((p) => p.length > 1 && p.startsWith("0"))) return undefined;
    return Uint8Array.from(s.split(".").map(Number));
  }
  if (!isIPv6(s) || s.includes("%")) return undefined;
  let str = s;
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  if (v4) {
    tail = v4[1]!.split(".").map(Number);
    str = `${str.slice(0, -v4[1]!.length)}0:0`;
  }
  const [head, rest] = str.split("::") as [string, string | undefined];
  const hs = head ? head.split(":") : [];
  const rs = rest ? rest.split(":") : [];
  const groups = rest === undefined ? hs : [...hs, ...new Array(8 - hs.length - rs.length).fill("0"), ...rs];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = Number.parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  if (tail.length) out.set(tail, 12);
  const isMapped = out.subarray(0, 10).every((b) => b === 0) && out[10] === 0xff && out[11] === 0xff;
  return isMapped ? out.subarray(12) : out;
}

export function ipString(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join(".");
  if (b.length !== 16) return `?${Buffer.from(b).toString("hex")}`;
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
    return Array.from(b.subarray(12)).join(".");
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  // longest run of zeros (length >= 2) becomes ::
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

function sigAlgorithm(key: KeyObject): { alg: Buffer; hash: string | null } {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { alg: seq(oid("1.2.840.113549.1.1.11"), nullValue()), hash: "sha256" };
    case "ec": {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === "secp384r1") return { alg: seq(oid("1.2.840.10045.4.3.3")), hash: "sha384" };
      if (curve === "secp521r1") return { alg: seq(oid("1.2.840.10045.4.3.4")), hash: "sha512" };
      return { alg: seq(oid("1.2.840.10045.4.3.2")), hash: "sha256" };
    }
    case "ed25519":
      return { alg: seq(oid("1.3.101.112")), hash: null };
    default:
      throw new Error("x509: certificate private key does not implement crypto.Signer");
  }
}

function name(cn: string): Buffer {
  if (cn === "") return seq();
  return seq(set(seq(oid("2.5.4.3"), goString(cn))));
}

function ext(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyUsageBits(isCA: boolean): Buffer {
  // digitalSignature (bit 0) | keyEncipherment (bit 2) [| keyCertSign (bit 5)]
  const byte = 0x80 | 0x20 | (isCA ? 0x04 : 0);
  const unused = isCA ? 2 : 5;
  return bitString(Buffer.from([byte]), unused);
}

/** The parts of a parent certificate needed to sign with it. */
export interface Issuer {
  subjectDer: Buffer;
  subjectKeyId?: Buffer;
}

export function issuerOf(certDer: Buffer): Issuer {
  const tbs = children(children(read(certDer))[0]!);
  const hasVersion = tbs[0]!.tag === 0xa0;
  const subject = tbs[hasVersion ? 5 : 4]!;
  const issuer: Issuer = { subjectDer: Buffer.from(subject.raw) };
  const extsNode = tbs.find((n) => n.tag === 0xa3);
  if (extsNode) {
    for (const e of children(children(extsNode)[0]!)) {
      const parts = children(e);
      if (readOid(parts[0]!) === "2.5.29.14") {
        const val = parts[parts.length - 1]!.content;
        issuer.subjectKeyId = Buffer.from(read(val).content);
      }
    }
  }
  return issuer;
}

/** Build, sign and PEM-encode a certificate; parent undefined means self-signed. */
export function createCertificate(t: CertTemplate, subjectKey: KeyObject, signer: KeyObject, parent?: Issuer): string {
  const { alg, hash } = sigAlgorithm(signer);
  const spki = publicKeyOf(subjectKey).export({ format: "der", type: "spki" }) as Buffer;
  const subject = name(t.cn);
  const issuerName = parent ? parent.subjectDer : subject;
  const serialBytes = randomBytes(16);
  const serial = BigInt(`0x${serialBytes.toString("hex")}`);
  const now = new Date();
  const notAfter = new Date(now.getTime() + t.daysValid * 86400000);
  const exts: Buffer[] = [
    ext("2.5.29.15", true, keyUsageBits(t.isCA)),
    ext("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2"))),
    ext("2.5.29.19", true, t.isCA ? seq(bool(true)) : seq()),
  ];
  if (t.isCA || t.subjectKeyId) {
    const spkiBits = children(read(spki))[1]!.content.subarray(1);
    exts.push(ext("2.5.29.14", false, octets(createHash("sha1").update(spkiBits).digest())));
  }
  const selfSigned = !parent || Buffer.compare(issuerName, subject) === 0;
  if (parent?.subjectKeyId && !selfSigned)
    exts.push(ext("2.5.29.35", false, seq(implicitPrim(0, parent.subjectKeyId))));
  if (t.dnsNames.length > 0 || t.ips.length > 0) {
    const names = [
      ...t.dnsNames.map((d) => implicitPrim(2, Buffer.from(d, "utf8"))),
      ...t.ips.map((ip) => implicitPrim(7, Buffer.from(ip))),
    ];
    exts.push(ext("2.5.29.17", false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, integer(2n)),
    integer(serial),
    alg,
    issuerName,
    seq(derTime(now), derTime(notAfter)),
    subject,
    spki,
    explicit(3, seq(...exts)),
  );
  const signature =
    signer.asymmetricKeyType === "ec" ? sign(hash, tbs, { key: signer, dsaEncoding: "der" }) : sign(hash, tbs, signer);
  const der = seq(tbs, alg, bitString(signature));
  return pemEncode("CERTIFICATE", der);
}

export function parseCertificateDer(der: Buffer): X509Certificate {
  return new X509Certificate(der);
}
