/** PKCS#12 decoding (node-forge) and encoding in go-pkcs12's "Modern" profile (AES-256-CBC, PBKDF2-SHA-256, SHA-256 MAC). */
import { createHash, createHmac, createPrivateKey, type KeyObject, randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { explicit, implicitPrim, integer, nullValue, octets, oid, seq, set, tlv } from "./der.js";

const OID_DATA = "1.2.840.113549.1.7.1";
const OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
const OID_CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const OID_X509 = "1.2.840.113549.1.9.22.1";
const OID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21";
const OID_FRIENDLY_NAME = "1.2.840.113549.1.9.20";
const OID_JAVA_TRUST = "2.16.840.1.113894.746875.1.1";
const OID_ANY_EKU = "2.5.29.37.0";
const OID_SHA256 = "2.16.840.1.101.3.4.2.1";
const ITER = 2048;

const toBin = (b: Uint8Array) => Buffer.from(b).toString("binary");
const fromBin = (s: string) => Buffer.from(s, "binary");

export interface Pkcs12Contents {
  key?: KeyObject;
  certs: Buffer[];
}

/** Decode a PFX: the private key and the certificates in bag order. */
export function decodePkcs12(data: Uint8Array, password: string): Pkcs12Contents {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn = forge.asn1.fromDer(forge.util.createBuffer(toBin(data)));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, password);
  } catch (e) {
    const msg = (e as Error).message;
    if (/MAC could not be verified|wrong password|Invalid password/i.test(msg)) {
      throw new Error("pkcs12: decryption password incorrect");
    }
    throw new Error(`pkcs12: ${msg}`);
  }
  const out: Pkcs12Contents = { certs: [] };
  for (const sc of p12.safeContents) {
    for (const bag of sc.safeBags) {
      const b = bag as unknown as {
        type: string;
        cert?: forge.pki.Certificate;
        key?: forge.pki.PrivateKey;
        asn1?: forge.asn1.Asn1;
      };
      if (b.type === forge.pki.oids.certBag) {
        const asn = b.cert ? forge.pki.certificateToAsn1(b.cert) : b.asn1!;
        out.certs.push(fromBin(forge.asn1.toDer(asn).getBytes()));
      } else if (b.type === forge.pki.oids.pkcs8ShroudedKeyBag || b.type === forge.pki.oids.keyBag) {
        if (out.key) throw new Error("pkcs12: expected exactly one key bag");
        const info = b.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(b.key)) : b.asn1!;
        const der = fromBin(forge.asn1.toDer(info).getBytes());
        out.key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
      }
    }
  }
  if (out.certs.length === 0) throw new Error("pkcs12: certificate missing");
  return out;
}

/** PBES2 (AES-256-CBC, PBKDF2-HMAC-SHA-256) encryption of DER content: [AlgorithmIdentifier, ciphertext]. */
function pbes2Encrypt(content: Buffer, password: string): [Buffer, Buffer] {
  const obj = forge.asn1.fromDer(forge.util.createBuffer(toBin(content)));
  const enc = forge.pki.encryptPrivateKeyInfo(obj, forge.util.encodeUtf8(password), {
    algorithm: "aes256",
    count: ITER,
    saltSize: 16,
    prfAlgorithm: "sha256",
  } as unknown as forge.pki.EncryptionOptions);
  const parts = enc.value as forge.asn1.Asn1[];
  const alg = fromBin(forge.asn1.toDer(parts[0]!).getBytes());
  const ciphertext = fromBin((parts[1]!.value as string) ?? "");
  return [alg, ciphertext];
}

function bmpString(s: string): Buffer {
  const b = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
  return tlv(0x1e, b);
}

function attr(id: string, value: Buffer): Buffer {
  return seq(oid(id), set(value));
}

function certBag(der: Buffer, attrs: Buffer[]): Buffer {
  const bag = seq(oid(OID_X509), explicit(0, octets(der)));
  return attrs.length > 0
    ? seq(oid(OID_CERT_BAG), explicit(0, bag), set(...attrs))
    : seq(oid(OID_CERT_BAG), explicit(0, bag));
}

/** Go's pkix.Name.String() approximation from Node's subject lines (reverse order, comma separated). */
function subjectString(der: Buffer): string {
  return new X509Certificate(der).subject.split("\n").reverse().join(",");
}

function macData(authSafe: Buffer, password: string): Buffer {
  const salt = randomBytes(8);
  const md = forge.md.sha256.create();
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(toBin(salt)), 3, ITER, 32, md);
  const mac = createHmac("sha256", fromBin(key.getBytes())).update(authSafe).digest();
  return seq(seq(seq(oid(OID_SHA256), nullValue()), octets(mac)), octets(salt), integer(BigInt(ITER)));
}

function pfx(certBags: Buffer[], keyBag: Buffer | undefined, password: string): Buffer {
  const [alg, ct] = pbes2Encrypt(seq(...certBags), password);
  const encData = seq(integer(0n), seq(oid(OID_DATA), alg, implicitPrim(0, ct)));
  const infos = [seq(oid(OID_ENCRYPTED_DATA), explicit(0, encData))];
  if (keyBag) infos.push(seq(oid(OID_DATA), explicit(0, octets(seq(keyBag)))));
  const authSafe = seq(...infos);
  return seq(integer(3n), seq(oid(OID_DATA), explicit(0, octets(authSafe))), macData(authSafe, password));
}

/** gopkcs12.Modern.Encode(key, cert, caCerts, password). */
export function encodePkcs12(key: KeyObject, cert: Buffer, caCerts: Buffer[], password: string): Buffer {
  const localKeyId = createHash("sha1").update(cert).digest();
  const pkcs8 = key.export({ format: "der", type: "pkcs8" }) as Buffer;
  const [alg, ct] = pbes2Encrypt(pkcs8, password);
  const keyBag = seq(
    oid(OID_SHROUDED_KEY_BAG),
    explicit(0, seq(alg, octets(ct))),
    set(attr(OID_LOCAL_KEY_ID, octets(localKeyId))),
  );
  const bags = [certBag(cert, [attr(OID_LOCAL_KEY_ID, octets(localKeyId))]), ...caCerts.map((c) => certBag(c, []))];
  return pfx(bags, keyBag, password);
}

/** gopkcs12.Modern.EncodeTrustStore(certs, password). */
export function encodeTrustStore(certs: Buffer[], password: string): Buffer {
  const bags = certs.map((c) =>
    certBag(c, [attr(OID_FRIENDLY_NAME, bmpString(subjectString(c))), attr(OID_JAVA_TRUST, oid(OID_ANY_EKU))]),
  );
  return pfx(bags, undefined, password);
}
