/** Sprig's hashing, password and symmetric-crypto functions. */

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  randomUUID,
  scryptSync,
} from "node:crypto";
import bcryptjs from "bcryptjs";
import { checkStringLength } from "../budget.js";
import type { GoInt } from "../go-ints.js";
import { goFunc } from "../signature.js";
import type { FuncMap } from "../values.js";
import { bytesToGoString, goStringToBytes } from "./bytes.js";
import { goBase64Decode } from "./encoding.js";
import { panicError } from "./util.js";

const hex = (alg: string, s: string) => createHash(alg).update(goStringToBytes(s)).digest("hex");

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** golang.org/x/crypto/bcrypt GenerateFromPassword with DefaultCost (10), "$2a$" prefix. */
export function bcryptHash(input: string): string {
  if (Buffer.byteLength(input, "utf8") > 72) {
    return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes";
  }
  const h = bcryptjs.hashSync(input, bcryptjs.genSaltSync(10));
  return `$2a$${h.slice(4)}`;
}

function htpasswd(user: string, password: string): string {
  if (user.includes(":")) return `invalid username: ${user}`;
  return `${user}:${bcryptHash(password)}`;
}

const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
  long: [
    "CvcvnoCvcvCvcv",
    "CvcvCvcvnoCvcv",
    "CvcvCvcvCvcvno",
    "CvccnoCvcvCvcv",
    "CvccCvcvnoCvcv",
    "CvccCvcvCvcvno",
    "CvcvnoCvccCvcv",
    "CvcvCvccnoCvcv",
    "CvcvCvccCvcvno",
    "CvcvnoCvcvCvcc",
    "CvcvCvcvnoCvcc",
    "CvcvCvcvCvccno",
    "CvccnoCvccCvcv",
    "CvccCvccnoCvcv",
    "CvccCvccCvcvno",
    "CvcvnoCvccCvcc",
    "CvcvCvccnoCvcc",
    "CvcvCvccCvccno",
    "CvccnoCvcvCvcc",
    "CvccCvcvnoCvcc",
    "CvccCvcvCvccno",
  ],
  medium: ["CvcnoCvc", "CvcCvcno"],
  short: ["Cvcn"],
  basic: ["aaanaaan", "aannaaan", "aaannaaa"],
  pin: ["nnnn"],
};

const TEMPLATE_CHARS: Record<string, string> = {
  V: "AEIOU",
  C: "BCDFGHJKLMNPQRSTVWXYZ",
  v: "aeiou",
  c: "bcdfghjklmnpqrstvwxyz",
  A: "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
  a: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
  n: "0123456789",
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
};

const SEED = "com.lyndir.masterpassword";

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** The Master Password algorithm as Sprig implements it. */
export function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const userB = goStringToBytes(user);
  const salt = Buffer.concat([Buffer.from(SEED), u32(userB.length), userB]);
  const key = scryptSync(goStringToBytes(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
  const siteB = goStringToBytes(site);
  const msg = Buffer.concat([Buffer.from(SEED), u32(siteB.length), siteB, u32(counter)]);
  const seed = createHmac("sha256", key).update(msg).digest();
  const tpl = templates[seed[0]! % templates.length]!;
  let out = "";
  for (let i = 0; i < tpl.length; i++) {
    const chars = TEMPLATE_CHARS[tpl[i]!]!;
    out += chars[seed[i + 1]! % chars.length];
  }
  return out;
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  goStringToBytes(password).copy(key, 0, 0, 32);
  return key;
}

/** Sprig encryptAES: AES-256-CBC, zero-padded key, PKCS#7 padding, random IV prepended, base64. */
export function encryptAES(password: string, plaintext: string): string {
  if (plaintext === "") return "";
  const iv = randomBytes(16);
  const c = createCipheriv("aes-256-cbc", aesKey(password), iv);
  return Buffer.concat([iv, c.update(goStringToBytes(plaintext)), c.final()]).toString("base64");
}

/** Sprig decryptAES: no padding validation, Go's runtime panics for malformed input. */
export function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === "") return "";
  const crypt = goBase64Decode(crypt64);
  // base64.DecodeString returns a slice of a DecodedLen(len(s))-byte buffer: Go's panic names that capacity
  const capacity = Math.floor(crypt64.length / 4) * 3;
  if (crypt.length < 16) throw panicError(`runtime error: slice bounds out of range [:16] with capacity ${capacity}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw panicError("crypto/cipher: input not full blocks");
  if (body.length === 0) throw panicError("runtime error: index out of range [-1]");
  const d = createDecipheriv("aes-256-cbc", aesKey(password), crypt.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(body), d.final()]);
  const end = plain.length - plain[plain.length - 1]!;
  if (end < 0) throw panicError(`runtime error: slice bounds out of range [:${end}]`);
  return bytesToGoString(plain.subarray(0, end));
}

const hashFunc = (alg: string) => goFunc("func(string) string", (s: string) => hex(alg, s));

export function cryptoFuncs(): FuncMap {
  return {
    sha1sum: hashFunc("sha1"),
    sha256sum: hashFunc("sha256"),
    sha512sum: hashFunc("sha512"),
    adler32sum: goFunc("func(string) string", (s: string) => String(adler32(goStringToBytes(s)))),
    bcrypt: goFunc("func(string) string", bcryptHash),
    htpasswd: goFunc("func(string, string) string", htpasswd),
    derivePassword: goFunc(
      "func(uint32, string, string, string, string) string",
      (counter: GoInt, type: string, password: string, user: string, site: string) =>
        derivePassword(Number(counter.n), type, password, user, site),
    ),
    encryptAES: goFunc("func(string, string) (string, error)", encryptAES),
    decryptAES: goFunc("func(string, string) (string, error)", decryptAES),
    randBytes: goFunc("func(int) (string, error)", (n: bigint) => {
      const count = Number(n);
      if (count < 0) throw panicError("runtime error: makeslice: len out of range");
      checkStringLength(Math.ceil(count / 3) * 4);
      return randomBytes(count).toString("base64");
    }),
    uuidv4: goFunc("func() string", () => randomUUID()),
  };
}
