/** Private keys as Sprig handles them: generation, PEM encoding per type, and parsing. */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { children, integer, octets, oid, pemEncode, read, readInt, seq } from "./der.js";
import { pemFirst } from "./pem.js";

const DSA_OID = "1.2.840.10040.4.1";

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** The fields of a DSA private key (from its PKCS#8 encoding). */
function dsaFields(key: KeyObject): { p: bigint; q: bigint; g: bigint; y: bigint; x: bigint } {
  const der = key.export({ format: "der", type: "pkcs8" }) as Buffer;
  const [, alg, priv] = children(read(der));
  const [, params] = children(alg!);
  const [p, q, g] = children(params!).map(readInt) as [bigint, bigint, bigint];
  const x = readInt(read(priv!.content));
  return { p, q, g, y: modPow(g, x, p), x };
}

/** Sprig's pemBlockForKey. */
export function pemForKey(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return key.export({ format: "pem", type: "pkcs1" }) as string;
    case "ec":
      return key.export({ format: "pem", type: "sec1" }) as string;
    case "dsa": {
      const f = dsaFields(key);
      const der = seq(integer(0n), integer(f.p), integer(f.q), integer(f.g), integer(f.y), integer(f.x));
      return pemEncode("DSA PRIVATE KEY", der);
    }
    default:
      return key.export({ format: "pem", type: "pkcs8" }) as string;
  }
}

export function generatePrivateKey(type: string, rsaBits = 4096): KeyObject {
  switch (type) {
    case "":
    case "rsa":
      return generateKeyPairSync("rsa", { modulusLength: rsaBits }).privateKey;
    case "dsa":
      return generateKeyPairSync("dsa", { modulusLength: 2048, divisorLength: 256 }).privateKey;
    case "ecdsa":
      return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    case "ed25519":
      return generateKeyPairSync("ed25519").privateKey;
    default:
      throw new Error(`Unknown type ${type}`);
  }
}

function fromDer(der: Buffer, type: "pkcs1" | "pkcs8" | "sec1"): KeyObject {
  return createPrivateKey({ key: der, format: "der", type });
}

/** Sprig's parsePrivateKeyPEM, with its error messages. */
export function parsePrivateKeyPEM(text: string): KeyObject {
  const [block] = pemFirst(text);
  if (!block) throw new Error("no PEM data in input");
  if (block.type === "PRIVATE KEY") {
    try {
      return fromDer(block.bytes, "pkcs8");
    } catch (e) {
      throw new Error(`decoding PEM as PKCS#8: ${(e as Error).message}`);
    }
  }
  if (!block.type.endsWith(" PRIVATE KEY")) throw new Error(`no private key data in PEM block of type ${block.type}`);
  const kind = block.type.slice(0, -12);
  try {
    switch (kind) {
      case "RSA":
        return fromDer(block.bytes, "pkcs1");
      case "EC":
        return fromDer(block.bytes, "sec1");
      case "DSA": {
        const [, p, q, g, , x] = children(read(block.bytes)).map(readInt) as bigint[];
        const pkcs8 = seq(
          integer(0n),
          seq(oid(DSA_OID), seq(integer(p!), integer(q!), integer(g!))),
          octets(integer(x!)),
        );
        return fromDer(pkcs8, "pkcs8");
      }
    }
  } catch (e) {
    throw new Error(`parsing ${kind} private key from PEM: ${(e as Error).message}`);
  }
  throw new Error(`invalid private key type ${block.type}`);
}

/** Private keys of the formats ESO's parsePrivateKey accepts (PKCS#1, PKCS#8, SEC1 DER). */
export function parsePrivateKeyDer(der: Buffer): KeyObject {
  for (const type of ["pkcs1", "pkcs8", "sec1"] as const) {
    try {
      return fromDer(der, type);
    } catch {
      // try the next format
    }
  }
  throw new Error("unable to parse private key type");
}

export function publicKeyOf(key: KeyObject): KeyObject {
  return createPublicKey(key);
}
