/**
 * The Keeper Secrets Manager wire cryptography (node:crypto, no shared state): AES-256-GCM as iv(12)|ct|tag(16),
 * ECIES on P-256 (ephemeral public key | AES-GCM under SHA-256 of the ECDH secret), ECDSA-SHA256 signatures.
 */
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPrivateKey,
  createSign,
  type KeyObject,
  randomBytes,
} from "node:crypto";

export function aesGcmEncrypt(data: Buffer, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([iv, ct, cipher.getAuthTag()]);
}

export function aesGcmDecrypt(data: Buffer, key: Buffer): Buffer {
  if (data.length < 28) throw new Error("ciphertext too short");
  const decipher = createDecipheriv("aes-256-gcm", key, data.subarray(0, 12));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
}

/** Encrypts `data` for the holder of the P-256 private key matching `publicKey` (65-byte uncompressed point). */
export function eciesEncrypt(data: Buffer, publicKey: Buffer): Buffer {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const key = createHash("sha256").update(ecdh.computeSecret(publicKey)).digest();
  return Buffer.concat([ecdh.getPublicKey(), aesGcmEncrypt(data, key)]);
}

/** The client's signing key from the config's `privateKey` (base64 PKCS#8 DER). */
export function loadPrivateKey(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

export function signEcdsa(data: Buffer, key: KeyObject): Buffer {
  return createSign("SHA256").update(data).sign(key);
}

/** Keeper's base64: standard or URL-safe, padding optional. */
export function fromBase64(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

export function webSafe64(b: Buffer): string {
  return b.toString("base64url");
}
