/** decodingStrategy as upstream (Go's encoding/base64, which requires padding and ignores CR/LF). */
import type { RemoteRef } from "../../../providers/provider.js";

export type DecodingStrategy = NonNullable<RemoteRef["decodingStrategy"]>;

export class DecodeError extends Error {
  override readonly name = "DecodeError";
}

const STD = /^[A-Za-z0-9+/]*$/;
const URL = /^[A-Za-z0-9_-]*$/;

function strictBase64(input: Buffer, alphabet: RegExp, encoding: "base64" | "base64url"): Buffer | undefined {
  const text = input.toString("latin1").replace(/[\r\n]/g, "");
  if (text.length % 4 !== 0) return undefined;
  const body = text.replace(/={1,2}$/, "");
  if (!alphabet.test(body)) return undefined;
  return Buffer.from(body, encoding);
}

export function decodeValue(strategy: string | undefined, value: Buffer): Buffer {
  switch (strategy ?? "None") {
    case "None":
    case "":
      return value;
    case "Base64": {
      const out = strictBase64(value, STD, "base64");
      if (!out) throw new DecodeError("illegal base64 data");
      return out;
    }
    case "Base64URL": {
      const out = strictBase64(value, URL, "base64url");
      if (!out) throw new DecodeError("illegal base64url data");
      return out;
    }
    case "Auto":
      return strictBase64(value, STD, "base64") ?? strictBase64(value, URL, "base64url") ?? value;
    default:
      throw new DecodeError(`decoding strategy ${strategy} is not supported`);
  }
}

export function decodeMap(strategy: string | undefined, data: Record<string, Buffer>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(data)) {
    try {
      out[k] = decodeValue(strategy, v);
    } catch (err) {
      throw new DecodeError(`key ${JSON.stringify(k)}: ${(err as Error).message}`);
    }
  }
  return out;
}
