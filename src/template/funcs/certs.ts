/** Sprig's key and certificate functions: genPrivateKey, buildCustomCert, genCA, genSelfSignedCert, genSignedCert. */

import { generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { defineGoType, type FuncMap, goTypeName, sliceElemType } from "../values.js";
import { bytesToGoString } from "./bytes.js";
import { goBase64Decode } from "./encoding.js";
import { generatePrivateKey, parsePrivateKeyPEM, pemForKey } from "./keys.js";
import { pemFirst } from "./pem.js";
import { argInt, argStr } from "./util.js";
import { createCertificate, issuerOf, parseIP } from "./x509.js";

/** Sprig's `certificate` struct: {{ $c.Cert }} and {{ $c.Key }}. */
export class SprigCertificate {
  constructor(
    readonly Cert: string,
    readonly Key: string,
  ) {}
  toString(): string {
    return `{${this.Cert} ${this.Key}}`;
  }
}

defineGoType(SprigCertificate, { type: "sprig.certificate", kind: "struct", fields: ["Cert", "Key"] });

/** Key size for generated RSA keys (2048 as Sprig; tests may lower it). */
export const certKeyBits = { rsa: 2048 };

function rsaKey(): KeyObject {
  try {
    return generateKeyPairSync("rsa", { modulusLength: certKeyBits.rsa }).privateKey;
  } catch (e) {
    throw new Error(`error generating rsa key: ${(e as Error).message}`);
  }
}

function ifaceList(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v) && sliceElemType(v) === "interface {}") return v;
  throw new Error(`wrong type for value; expected []interface {}; got ${goTypeName(v)}`);
}

function ips(v: unknown): Uint8Array[] {
  return ifaceList(v).map((ip) => {
    if (typeof ip !== "string") throw new Error(`error parsing ip: ${String(ip)} is not a string`);
    const b = parseIP(ip);
    if (!b) throw new Error(`error parsing ip: ${ip}`);
    return b;
  });
}

function dnsNames(v: unknown): string[] {
  return ifaceList(v).map((d) => {
    if (typeof d !== "string") throw new Error(`error processing alternate dns name: ${String(d)} is not a string`);
    return d;
  });
}

function keyFromPEM(pem: string): KeyObject {
  try {
    return parsePrivateKeyPEM(pem);
  } catch (e) {
    throw new Error(`parsing private key: ${(e as Error).message}`);
  }
}

function build(
  cn: string,
  ipv: unknown,
  dnsv: unknown,
  days: number,
  isCA: boolean,
  key: KeyObject,
  ca?: SprigCertificate,
): SprigCertificate {
  const t = { cn, ips: ips(ipv), dnsNames: dnsNames(dnsv), daysValid: days, isCA };
  let signer = key;
  let parent: ReturnType<typeof issuerOf> | undefined;
  if (ca) {
    const [block] = pemFirst(ca.Cert);
    if (!block) throw new Error("unable to decode certificate");
    try {
      new X509Certificate(block.bytes);
      parent = issuerOf(block.bytes);
    } catch (e) {
      throw new Error(`error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`);
    }
    try {
      signer = parsePrivateKeyPEM(ca.Key);
    } catch (e) {
      throw new Error(`error parsing private key: ${(e as Error).message}`);
    }
  }
  let cert: string;
  try {
    cert = createCertificate(t, key, signer, parent);
  } catch (e) {
    throw new Error(`error creating certificate: ${(e as Error).message}`);
  }
  return new SprigCertificate(cert, pemForKey(key));
}

function caArg(v: unknown): SprigCertificate {
  if (v instanceof SprigCertificate) return v;
  throw new Error(`wrong type for value; expected sprig.certificate; got ${goTypeName(v)}`);
}

function buildCustomCert(b64cert: string, b64key: string): SprigCertificate {
  let cert: string;
  let key: string;
  try {
    cert = bytesToGoString(goBase64Decode(b64cert));
  } catch {
    throw new Error("unable to decode base64 certificate");
  }
  try {
    key = bytesToGoString(goBase64Decode(b64key));
  } catch {
    throw new Error("unable to decode base64 private key");
  }
  const [block] = pemFirst(cert);
  if (!block) throw new Error("unable to decode certificate");
  try {
    new X509Certificate(block.bytes);
  } catch (e) {
    throw new Error(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
  }
  try {
    parsePrivateKeyPEM(key);
  } catch (e) {
    throw new Error(`error parsing private key: ${(e as Error).message}`);
  }
  return new SprigCertificate(cert, key);
}

export function certFuncs(): FuncMap {
  return {
    genPrivateKey: (t) => {
      const type = argStr(t);
      try {
        return pemForKey(generatePrivateKey(type));
      } catch (e) {
        const msg = (e as Error).message;
        return msg.startsWith("Unknown type") ? msg : `failed to generate private key: ${msg}`;
      }
    },
    buildCustomCert: (c, k) => buildCustomCert(argStr(c), argStr(k)),
    genCA: (cn, days) => build(argStr(cn), null, null, argInt(days), true, rsaKey()),
    genCAWithKey: (cn, days, key) => build(argStr(cn), null, null, argInt(days), true, keyFromPEM(argStr(key))),
    genSelfSignedCert: (cn, ipv, dns, days) => build(argStr(cn), ipv, dns, argInt(days), false, rsaKey()),
    genSelfSignedCertWithKey: (cn, ipv, dns, days, key) =>
      build(argStr(cn), ipv, dns, argInt(days), false, keyFromPEM(argStr(key))),
    genSignedCert: (cn, ipv, dns, days, ca) => build(argStr(cn), ipv, dns, argInt(days), false, rsaKey(), caArg(ca)),
    genSignedCertWithKey: (cn, ipv, dns, days, ca, key) =>
      build(argStr(cn), ipv, dns, argInt(days), false, keyFromPEM(argStr(key)), caArg(ca)),
  };
}
