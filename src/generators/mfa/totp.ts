/**
 * RFC 6238 time-based one-time passwords: HOTP (RFC 4226) over the number of whole periods since the Unix
 * epoch, with a base32 (RFC 4648) seed as authenticator apps show it.
 */
import { createHmac } from "node:crypto";

/** Upstream's algorithm names, mapped to node:crypto's. */
export const TOTP_ALGORITHMS: Readonly<Record<string, string>> = {
  sha1: "sha1",
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
  sha512_256: "sha512-256",
};

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export class SeedFormatError extends Error {}

/**
 * Decodes a base32 seed: whitespace (providers group the characters) and trailing padding are dropped, case is
 * ignored. A length that leaves 1, 3 or 6 characters over cannot come from an encoder and is refused.
 */
export function decodeBase32Seed(text: string): Buffer {
  const clean = text.replace(/\s+/g, "").toUpperCase().replace(/=+$/, "");
  if (!clean) throw new SeedFormatError("the seed is empty");
  if ([1, 3, 6].includes(clean.length % 8)) throw new SeedFormatError("the seed has an impossible base32 length");
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new SeedFormatError("the seed holds a character outside the base32 alphabet");
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

export interface TotpOptions {
  /** Digits in the code. */
  length: number;
  /** Seconds per code. */
  period: number;
  /** A key of TOTP_ALGORITHMS. */
  algorithm: string;
}

/** The code for `unixSeconds` and the whole seconds it stays valid. */
export function totp(key: Buffer, unixSeconds: number, o: TotpOptions): { token: string; timeLeft: number } {
  const hash = TOTP_ALGORITHMS[o.algorithm];
  if (!hash) throw new Error(`unknown algorithm ${o.algorithm}`);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / o.period)));
  const mac = createHmac(hash, key).update(counter).digest();
  // Dynamic truncation, RFC 4226 section 5.3: 31 bits read at the offset the last nibble names.
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  // A 31-bit value has at most 10 digits: longer codes are the value, zero-padded.
  const code = o.length >= 10 ? value : value % 10 ** o.length;
  return { token: String(code).padStart(o.length, "0"), timeLeft: o.period - (unixSeconds % o.period) };
}
