/**
 * Protocol Buffers wire format for the few messages this provider exchanges (nebius.mysterybox.v1 payloads and
 * nebius.iam.v1 token exchange), so no generated code or .proto loading is needed.
 */

export class WireError extends Error {
  override readonly name = "WireError";
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** Encodes string fields (wire type 2); empty strings are omitted, as proto3 does. */
export function encodeStrings(fields: [number, string | undefined][]): Buffer {
  const parts: Buffer[] = [];
  for (const [no, value] of fields) {
    if (!value) continue;
    const bytes = Buffer.from(value, "utf8");
    parts.push(Buffer.from([...varint((no << 3) | 2), ...varint(bytes.length)]), bytes);
  }
  return Buffer.concat(parts);
}

export type Field = { no: number; bytes?: Buffer; num?: bigint };

/** Splits a message into its fields; length-delimited ones keep their bytes, varints their value. */
export function decodeFields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new WireError("truncated varint");
      const b = buf[i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new WireError("varint too long");
    }
  };
  while (i < buf.length) {
    const key = Number(readVarint());
    const no = key >>> 3;
    switch (key & 7) {
      case 0:
        out.push({ no, num: readVarint() });
        break;
      case 1:
        i += 8;
        break;
      case 2: {
        const len = Number(readVarint());
        if (i + len > buf.length) throw new WireError("truncated field");
        out.push({ no, bytes: buf.subarray(i, i + len) });
        i += len;
        break;
      }
      case 5:
        i += 4;
        break;
      default:
        throw new WireError(`unsupported wire type ${key & 7}`);
    }
  }
  if (i > buf.length) throw new WireError("truncated message");
  return out;
}

export interface PayloadEntry {
  key: string;
  stringValue?: string;
  binaryValue?: Buffer;
}

/** nebius.mysterybox.v1.Payload: key = 1, oneof { string_value = 12, binary_value = 13 }. */
export function decodePayload(buf: Buffer): PayloadEntry {
  const entry: PayloadEntry = { key: "" };
  for (const f of decodeFields(buf)) {
    if (!f.bytes) continue;
    if (f.no === 1) entry.key = f.bytes.toString("utf8");
    else if (f.no === 12) {
      entry.stringValue = f.bytes.toString("utf8");
      entry.binaryValue = undefined;
    } else if (f.no === 13) {
      entry.binaryValue = Buffer.from(f.bytes);
      entry.stringValue = undefined;
    }
  }
  return entry;
}

/** SecretPayload (version_id = 1, repeated Payload data = 2) and SecretPayloadEntry (version_id = 1, data = 2). */
export function decodeSecretPayload(buf: Buffer): { versionId: string; entries: PayloadEntry[] } {
  const result = { versionId: "", entries: [] as PayloadEntry[] };
  for (const f of decodeFields(buf)) {
    if (!f.bytes) continue;
    if (f.no === 1) result.versionId = f.bytes.toString("utf8");
    else if (f.no === 2) result.entries.push(decodePayload(f.bytes));
  }
  return result;
}

/** nebius.iam.v1.CreateTokenResponse: access_token = 1, token_type = 3, expires_in = 4. */
export function decodeTokenResponse(buf: Buffer): { accessToken: string; tokenType: string; expiresIn: number } {
  const out = { accessToken: "", tokenType: "", expiresIn: 0 };
  for (const f of decodeFields(buf)) {
    if (f.no === 1 && f.bytes) out.accessToken = f.bytes.toString("utf8");
    else if (f.no === 3 && f.bytes) out.tokenType = f.bytes.toString("utf8");
    else if (f.no === 4 && f.num !== undefined) out.expiresIn = Number(BigInt.asIntN(64, f.num));
  }
  return out;
}
