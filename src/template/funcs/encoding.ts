/** Sprig's encoding functions with Go's strict base64/base32 decoders (and their error messages). */

import { goFunc } from "../signature.js";
import type { FuncMap } from "../values.js";
import { bytesToGoString, goStringToBytes } from "./bytes.js";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const B64MAP = decodeMap(B64);
const B32MAP = decodeMap(B32);

export class CorruptInputError extends Error {
  constructor(pos: number, kind = "base64") {
    super(`illegal ${kind} data at input byte ${pos}`);
  }
}

const isNL = (c: number) => c === 0x0a || c === 0x0d;

/** base64.StdEncoding.DecodeString. */
export function goBase64Decode(s: string): Uint8Array {
  const src = goStringToBytes(s);
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let done = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) {
          dlen = 0;
          done = true;
          break;
        }
        throw new CorruptInputError(si - j);
      }
      const c = src[si]!;
      si++;
      const v = B64MAP[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNL(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d) throw new CorruptInputError(si - 1);
      if (j === 0 || j === 1) throw new CorruptInputError(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si]!)) si++;
        if (si === src.length) throw new CorruptInputError(src.length);
        if (src[si] !== 0x3d) throw new CorruptInputError(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si]!)) si++;
      if (si < src.length) throw new CorruptInputError(si);
      dlen = j;
      done = true;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    if (dlen >= 2) out.push((val >> 16) & 0xff);
    if (dlen >= 3) out.push((val >> 8) & 0xff);
    if (dlen >= 4) out.push(val & 0xff);
    if (done) break;
  }
  return Uint8Array.from(out);
}

export function base32Encode(data: Uint8Array): string {
  let out = "";
  for (let i = 0; i < data.length; i += 5) {
    const chunk = data.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = [0, 2, 4, 5, 7, 8][chunk.length]!;
    for (let k = 0; k < 8; k++) {
      out += k < chars ? B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : "=";
    }
  }
  return out;
}

/** base32.StdEncoding.DecodeString (newlines are removed first, as Go does). */
export function goBase32Decode(s: string): Uint8Array {
  const src = Buffer.from(goStringToBytes(s).filter((c) => !isNL(c)));
  const olen = src.length;
  const out: number[] = [];
  let p = 0;
  let end = false;
  while (p < src.length && !end) {
    const dbuf = new Array<number>(8).fill(0);
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (p === src.length) throw new CorruptInputError(olen - (src.length - p) - j, "base32");
      const c = src[p]!;
      p++;
      const left = src.length - p;
      if (c === 0x3d && j >= 2 && left < 8) {
        if (left + j < 7) throw new CorruptInputError(olen, "base32");
        for (let k = 0; k < 7 - j; k++) {
          if (left > k && src[p + k] !== 0x3d) throw new CorruptInputError(olen - left + k - 1, "base32");
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) throw new CorruptInputError(olen - left - 1, "base32");
        break;
      }
      const v = B32MAP[c]!;
      if (v < 0) throw new CorruptInputError(olen - left - 1, "base32");
      dbuf[j] = v;
      j++;
    }
    let bits = 0n;
    for (let k = 0; k < 8; k++) bits = (bits << 5n) | BigInt(dbuf[k]!);
    const nbytes = [0, 0, 1, 1, 2, 3, 3, 4, 5][dlen]!;
    for (let k = 0; k < nbytes; k++) out.push(Number((bits >> BigInt(32 - 8 * k)) & 0xffn));
  }
  return Uint8Array.from(out);
}

const text = (b: Uint8Array) => bytesToGoString(b);

/** A decoder whose errors Sprig returns as the result text. */
function orMessage(decode: (s: string) => Uint8Array): (s: string) => string {
  return (s) => {
    try {
      return text(decode(s));
    } catch (e) {
      if (e instanceof CorruptInputError) return e.message;
      throw e;
    }
  };
}

export function encodingFuncs(): FuncMap {
  return {
    b64enc: goFunc("func(string) string", (s: string) => goStringToBytes(s).toString("base64")),
    b64dec: goFunc("func(string) string", orMessage(goBase64Decode)),
    b32enc: goFunc("func(string) string", (s: string) => base32Encode(goStringToBytes(s))),
    b32dec: goFunc("func(string) string", orMessage(goBase32Decode)),
    hexdec: goFunc("func(string) (string, error)", (s: string) => {
      for (let i = 0; i < s.length; i++) {
        if (!/[0-9a-fA-F]/.test(s[i]!))
          throw new Error(
            `encoding/hex: invalid byte: U+${s.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0")} '${s[i]}'`,
          );
      }
      if (s.length % 2 === 1) throw new Error("encoding/hex: odd length hex string");
      return text(Buffer.from(s, "hex"));
    }),
  };
}
