/** External Secrets Operator's own template functions (pkg/template/v2). */
import { constants, createPrivateKey, createPublicKey, type JsonWebKey, privateDecrypt } from "node:crypto";
import { goFunc } from "../signature.js";
import { type FuncMap, typedSlice } from "../values.js";
import { bytesToGoString, goStringToBytes } from "./bytes.js";
import { certsToPEM, isRootCert, orderChain, parseCert, parseCertsPEM } from "./chain.js";
import { pemEncode } from "./der.js";
import { goJsonUnmarshal } from "./json.js";
import { parsePrivateKeyDer } from "./keys.js";
import { pemDecode, pemEncodeBlock, pemFirst } from "./pem.js";
import { decodePkcs12, encodePkcs12, encodeTrustStore } from "./pkcs12.js";
import { panicError } from "./util.js";
import { fromYaml, toYaml } from "./yaml.js";

const NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference";

function pkcs12keyPass(pass: string, input: string): string {
  let key: ReturnType<typeof decodePkcs12>["key"];
  try {
    key = decodePkcs12(goStringToBytes(input), pass).key;
  } catch (e) {
    throw new Error(`unable to decode pkcs12 with password: ${(e as Error).message}`);
  }
  if (!key) throw new Error("unable to decode pkcs12 with password: pkcs12: private key missing");
  return key.export({ format: "pem", type: "pkcs8" }) as string;
}

function pkcs12certPass(pass: string, input: string): string {
  let certs: Buffer[];
  try {
    certs = decodePkcs12(goStringToBytes(input), pass).certs;
  } catch (e) {
    throw new Error(`unable to decode pkcs12 certificate with password: ${(e as Error).message}`);
  }
  const raw = certs.map((c) => pemEncode("CERTIFICATE", c)).join("");
  try {
    return certsToPEM(orderChain(certs.map(parseCert)));
  } catch {
    return raw;
  }
}

function firstCert(cert: string): [Buffer, string] {
  const [block, rest] = pemFirst(cert);
  if (!block) throw panicError(NIL_DEREF);
  parseCert(block.bytes);
  return [block.bytes, rest];
}

function caCerts(text: string): Buffer[] {
  const out: Buffer[] = [];
  let rest = goStringToBytes(text).toString("latin1");
  while (rest.length > 0) {
    const [b, r] = pemDecode(rest);
    if (!b) throw panicError(NIL_DEREF);
    parseCert(b.bytes);
    out.push(b.bytes);
    rest = r;
  }
  return out;
}

function toPkcs12(cert: Buffer, key: string, cas: Buffer[], pass: string): string {
  const [kb] = pemFirst(key);
  if (!kb) throw panicError(NIL_DEREF);
  const k = parsePrivateKeyDer(kb.bytes);
  return encodePkcs12(k, cert, cas, pass).toString("base64");
}

function filterPEM(pemType: string, input: string): string {
  const at = input.indexOf("-----BEGIN");
  if (at >= 0) input = input.slice(at);
  let data = goStringToBytes(input).toString("latin1");
  let out = "";
  let rest = data;
  for (;;) {
    const [block, r] = pemDecode(data);
    rest = r;
    data = r;
    if (!block) break;
    if (block.type.toLowerCase() !== pemType.toLowerCase()) continue;
    out += pemEncodeBlock(block);
  }
  if (out === "" && rest.length !== 0) throw new Error("error filtering pem: found junk");
  return out;
}

function filterCertChain(certType: string, input: string): string {
  const ordered = orderChain(parseCertsPEM(input));
  switch (certType) {
    case "leaf": {
      const c = ordered[0]!;
      if (c.hasAuthorityKeyId && !c.authorityKeyId.equals(c.subjectKeyId)) return certsToPEM([c]);
      return "";
    }
    case "intermediate": {
      if (ordered.length < 2) return "";
      const out = [];
      for (const c of ordered.slice(1)) {
        if (isRootCert(c)) break;
        out.push(c);
      }
      return certsToPEM(out);
    }
    case "root": {
      const c = ordered[ordered.length - 1]!;
      return isRootCert(c) ? certsToPEM([c]) : "";
    }
    default:
      return "";
  }
}

function certSANs(input: string): string[] {
  const at = input.indexOf("-----BEGIN");
  if (at >= 0) input = input.slice(at);
  const [block] = pemFirst(input);
  if (!block) throw new Error("failed to decode PEM block");
  let c: ReturnType<typeof parseCert>;
  try {
    c = parseCert(block.bytes);
  } catch (e) {
    throw new Error(`failed to parse certificate: ${(e as Error).message}`);
  }
  return typedSlice([...c.sans.dns, ...c.sans.ips, ...c.sans.emails, ...c.sans.uris], "string");
}

/** JWK members that hold base64url bytes. */
const BINARY_JWK_MEMBERS = new Set(["x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "k"]);

function parseJwk(text: string): JsonWebKey {
  let jwk: unknown;
  try {
    // Go's decoder messages name one character at most; JSON.parse's would quote the key material.
    goJsonUnmarshal(text);
    jwk = JSON.parse(text);
  } catch (e) {
    throw new Error(`failed to unmarshal JSON into key hint: ${(e as Error).message}`);
  }
  // jwx first reads {kty, d} into a Go struct, with encoding/json's type errors
  const jsonKind = (v: unknown) =>
    Array.isArray(v) ? "array" : typeof v === "boolean" ? "bool" : typeof v === "object" ? "object" : typeof v;
  const hint = 'struct { Kty string "json:\\"kty\\""; D json.RawMessage "json:\\"d\\"" }';
  if (jwk !== null && (typeof jwk !== "object" || Array.isArray(jwk))) {
    throw new Error(
      `failed to unmarshal JSON into key hint: json: cannot unmarshal ${jsonKind(jwk)} into Go value of type ${hint}`,
    );
  }
  const kty = (jwk as { kty?: unknown } | null)?.kty ?? "";
  if (typeof kty !== "string") {
    throw new Error(
      `failed to unmarshal JSON into key hint: json: cannot unmarshal ${jsonKind(kty)} into Go struct field .kty of type string`,
    );
  }
  if (!["RSA", "EC", "OKP", "oct"].includes(kty)) throw new Error(`invalid key type from JSON (${kty})`);
  const k = jwk as JsonWebKey;
  // jwx then decodes the binary members in document order; one that is not base64 stops it
  const goType = `*jwk.${{ RSA: "rsa", EC: "ecdsa", OKP: "okp", oct: "symmetric" }[kty]}${kty === "oct" ? "" : k.d !== undefined ? "Private" : "Public"}Key`;
  for (const [name, v] of Object.entries(k)) {
    if (!BINARY_JWK_MEMBERS.has(name)) continue;
    if (typeof v !== "string" || !/^[A-Za-z0-9_\-+/]*=*$/.test(v)) {
      throw new Error(
        `failed to unmarshal JSON into key (${goType}): failed to decode value for key ${name}: expected base64 encoded []byte (string)`,
      );
    }
  }
  return k;
}

const GO_KEY_TYPES: Record<string, string> = { RSA: "rsa", EC: "ecdsa", OKP: "ed25519" };

function jwkPublicKeyPem(text: string): string {
  const jwk = parseJwk(text);
  if (jwk.kty === "oct") throw new Error("x509: unsupported public key type: []uint8");
  if (jwk.d !== undefined)
    throw new Error(`x509: unsupported public key type: *${GO_KEY_TYPES[jwk.kty!] ?? "unknown"}.PrivateKey`);
  const key = createPublicKey({ key: jwk, format: "jwk" });
  return pemEncode("PUBLIC KEY", key.export({ format: "der", type: "spki" }) as Buffer);
}

function jwkPrivateKeyPem(text: string): string {
  const jwk = parseJwk(text);
  if (jwk.kty === "oct") throw new Error("x509: unknown key type while marshaling PKCS#8: []uint8");
  if (jwk.d === undefined) {
    throw new Error(
      `x509: unknown key type while marshaling PKCS#8: *${GO_KEY_TYPES[jwk.kty!] ?? "unknown"}.PublicKey`,
    );
  }
  const key = createPrivateKey({ key: jwk, format: "jwk" });
  return pemEncode("PRIVATE KEY", key.export({ format: "der", type: "pkcs8" }) as Buffer);
}

const OAEP_HASHES: Record<string, string> = { None: "sha256", SHA1: "sha1", SHA256: "sha256", SHA512: "sha512" };

function rsaDecrypt(scheme: string, hash: string, input: string, privateKey: string): string {
  if (scheme === "None") return input;
  if (scheme !== "RSA-OAEP") throw new Error(`decryption scheme ${scheme} is not supported`);
  const [block] = pemFirst(privateKey);
  if (!block) throw new Error("failed to decode PEM block");
  let key: ReturnType<typeof parsePrivateKeyDer>;
  try {
    key = parsePrivateKeyDer(block.bytes);
  } catch (e) {
    throw new Error(`could not parse private key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== "rsa") throw new Error("could not parse RSA private key");
  try {
    const out = privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASHES[hash] ?? "sha256" },
      goStringToBytes(input),
    );
    return bytesToGoString(out);
  } catch {
    throw new Error("error decrypting data with RSA: crypto/rsa: decryption error");
  }
}

const S1 = "func(string) (string, error)";
const S2 = "func(string, string) (string, error)";
const S3 = "func(string, string, string) (string, error)";

export function esoFuncs(): FuncMap {
  return {
    pkcs12key: goFunc(S1, (i: string) => pkcs12keyPass("", i)),
    pkcs12keyPass: goFunc(S2, pkcs12keyPass),
    pkcs12cert: goFunc(S1, (i: string) => pkcs12certPass("", i)),
    pkcs12certPass: goFunc(S2, pkcs12certPass),
    pemToPkcs12: goFunc(S2, (c: string, k: string) => toPkcs12(firstCert(c)[0], k, [], "")),
    pemToPkcs12Pass: goFunc(S3, (c: string, k: string, p: string) => toPkcs12(firstCert(c)[0], k, [], p)),
    fullPemToPkcs12: goFunc(S2, (c: string, k: string) => {
      const [cert, rest] = firstCert(c);
      return toPkcs12(cert, k, caCerts(rest), "");
    }),
    fullPemToPkcs12Pass: goFunc(S3, (c: string, k: string, p: string) => {
      const [cert, rest] = firstCert(c);
      return toPkcs12(cert, k, caCerts(rest), p);
    }),
    pemTruststoreToPKCS12: goFunc(S1, (c: string) => encodeTrustStore(caCerts(c), "").toString("base64")),
    pemTruststoreToPKCS12Pass: goFunc(S2, (c: string, p: string) => encodeTrustStore(caCerts(c), p).toString("base64")),
    filterPEM: goFunc(S2, filterPEM),
    filterCertChain: goFunc(S2, filterCertChain),
    certSANs: goFunc("func(string) ([]string, error)", certSANs),
    jwkPublicKeyPem: goFunc(S1, jwkPublicKeyPem),
    jwkPrivateKeyPem: goFunc(S1, jwkPrivateKeyPem),
    rsaDecrypt: goFunc("func(string, string, string, string) (string, error)", rsaDecrypt),
    toYaml: goFunc("func(interface {}) string", toYaml),
    fromYaml: goFunc("func(string) map[string]interface {}", fromYaml),
  };
}
