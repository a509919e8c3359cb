/**
 * Onboardbase returns every secret key and value encrypted with the API key's passcode in CryptoJS's passphrase
 * format: base64 of "Salted__", an 8-byte salt, then AES-256-CBC ciphertext whose key and IV come from OpenSSL's
 * EVP_BytesToKey (MD5, one round) over passcode and salt.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const MAGIC = Buffer.from("Salted__", "latin1");

function keyAndIv(passcode: string, salt: Buffer): { key: Buffer; iv: Buffer } {
  const pass = Buffer.from(passcode, "utf8");
  let derived = Buffer.alloc(0);
  let block = Buffer.alloc(0);
  while (derived.length < 48) {
    block = createHash("md5")
      .update(Buffer.concat([block, pass, salt]))
      .digest();
    derived = Buffer.concat([derived, block]);
  }
  return { key: derived.subarray(0, 32), iv: derived.subarray(32, 48) };
}

export class PasscodeDecryptError extends Error {
  override readonly name = "PasscodeDecryptError";
}

/** Decrypts one field; the error never carries the ciphertext or the passcode. */
export function decryptWithPasscode(encoded: string, passcode: string): string {
  const raw = Buffer.from(encoded, "base64");
  if (raw.length < 32 || !raw.subarray(0, 8).equals(MAGIC)) {
    throw new PasscodeDecryptError("value is not in the passphrase-encrypted format");
  }
  const { key, iv } = keyAndIv(passcode, raw.subarray(8, 16));
  try {
    const d = createDecipheriv("aes-256-cbc", key, iv);
    return Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString("utf8");
  } catch {
    throw new PasscodeDecryptError("unable to decrypt secret payload (wrong passcode?)");
  }
}

/** The inverse, as the Onboardbase service produces it (used by the test fake). */
export function encryptWithPasscode(plain: string, passcode: string): string {
  const salt = randomBytes(8);
  const { key, iv } = keyAndIv(passcode, salt);
  const c = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([MAGIC, salt, c.update(plain, "utf8"), c.final()]).toString("base64");
}
