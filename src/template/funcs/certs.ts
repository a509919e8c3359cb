/** Sprig's key and certificate functions: genPrivateKey, buildCustomCert, genCA, genSelfSignedCert, genSignedCert. */

import { generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { defineGoType } from "../go-reflect.js";
import { goFunc } from "../signature.js";
import type { FuncMap } from "../values.js";
import { bytesToGoString } from "./bytes.js";
import { goBase64Decode } from "./encoding.js";
import { generatePrivateKey, parsePrivateKeyPEM, pemForKey } from "./keys.js";
import { pemFirst } from "./pem.js";
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

/** A []interface {} parameter (nil arrives as null). */
type List = unknown[] | null;

function ips(v: List): Uint8Array[] {
  return (v ?? []).map((ip) => {
    if (typeof ip !== "string") throw new Error(`error parsing ip: ${String(ip)} is not a string`);
    const b = parseIP(ip);
    if (!b) throw new Error(`error parsing ip: ${ip}`);
    return b;
  });
}

function dnsNames(v: List): string[] {
  return (v ?? []).map((d) => {
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
  ipv: List,
  dnsv: List,
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

const CERT = "(sprig.certificate, error)";

export function certFuncs(): FuncMap {
  return {
    genPrivateKey: goFunc("func(string) string", (type: string) => {
      try {
        return pemForKey(generatePrivateKey(type));
      } catch (e) {
        const msg = (e as Error).message;
        return msg.startsWith("Unknown type") ? msg : `failed to generate private key: ${msg}`;
      }
    }),
    buildCustomCert: goFunc(`func(string, string) ${CERT}`, buildCustomCert),
    genCA: goFunc(`func(string, int) ${CERT}`, (cn: string, days: bigint) =>
      build(cn, null, null, Number(days), true, rsaKey()),
    ),
    genCAWithKey: goFunc(`func(string, int, string) ${CERT}`, (cn: string, days: bigint, key: string) =>
      build(cn, null, null, Number(days), true, keyFromPEM(key)),
    ),
    genSelfSignedCert: goFunc(
      `func(string, []interface {}, []interface {}, int) ${CERT}`,
      (cn: string, ipv: List, dns: List, days: bigint) => build(cn, ipv, dns, Number(days), false, rsaKey()),
    ),
    genSelfSignedCertWithKey: goFunc(
      `func(string, []interface {}, []interface {}, int, string) ${CERT}`,
      (cn: string, ipv: List, dns: List, days: bigint, key: string) =>
        build(cn, ipv, dns, Number(days), false, keyFromPEM(key)),
    ),
    genSignedCert: goFunc(
      `func(string, []interface {}, []interface {}, int, sprig.certificate) ${CERT}`,
      (cn: string, ipv: List, dns: List, days: bigint, ca: SprigCertificate) =>
        build(cn, ipv, dns, Number(days), false, rsaKey(), ca),
    ),
    genSignedCertWithKey: goFunc(
      `func(string, []interface {}, []interface {}, int, sprig.certificate, string) ${CERT}`,
      (cn: string, ipv: List, dns: List, days: bigint, ca: SprigCertificate, key: string) =>
        build(cn, ipv, dns, Number(days), false, keyFromPEM(key), ca),
    ),
  };
}
