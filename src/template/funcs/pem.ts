/** Go's encoding/pem Decode/Encode. */
import { bytesToGoString, goStringToBytes } from "./bytes.js";
import { pemEncode } from "./der.js";

export interface PemBlock {
  type: string;
  headers: Record<string, string>;
  bytes: Buffer;
}

const BEGIN = "\n-----BEGIN ";

function getLine(data: string): [string, string] {
  let i = data.indexOf("\n");
  let j: number;
  if (i < 0) {
    i = data.length;
    j = i;
  } else {
    j = i + 1;
    if (i > 0 && data[i - 1] === "\r") i--;
  }
  return [data.slice(0, i).replace(/[ \t]+$/, ""), data.slice(j)];
}

/**
 * pem.Decode on a binary (latin1) string: the first block and the rest. Returns undefined (and the input)
 * when no block is found.
 */
export function pemDecode(data: string): [PemBlock | undefined, string] {
  let rest = data;
  for (;;) {
    if (rest.startsWith(BEGIN.slice(1))) rest = rest.slice(BEGIN.length - 1);
    else {
      const i = rest.indexOf(BEGIN);
      if (i < 0) return [undefined, data];
      rest = rest.slice(i + BEGIN.length);
    }
    const [typeLine, afterType] = getLine(rest);
    if (!typeLine.endsWith("-----")) continue;
    const type = typeLine.slice(0, -5);
    let body = afterType;
    const headers: Record<string, string> = {};
    for (;;) {
      if (body.length === 0) break;
      const [line, next] = getLine(body);
      const c = line.indexOf(":");
      if (c < 0) break;
      headers[line.slice(0, c).trim()] = line.slice(c + 1).trim();
      body = next;
    }
    let endIndex: number;
    let endTrailerIndex: number;
    const endMarker = `-----END ${type}-----`;
    if (Object.keys(headers).length === 0 && body.startsWith(endMarker.slice(0))) {
      endIndex = 0;
      endTrailerIndex = endMarker.length;
    } else {
      endIndex = body.indexOf(`\n${endMarker}`);
      endTrailerIndex = endIndex + endMarker.length + 1;
    }
    if (endIndex < 0) continue;
    let endTrailer = body.slice(endTrailerIndex);
    const [line, afterEnd] = getLine(endTrailer);
    if (line.length !== 0) continue;
    endTrailer = afterEnd;
    const b64 = body.slice(0, endIndex).replace(/[ \t\r\n]/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) continue;
    return [{ type, headers, bytes: Buffer.from(b64, "base64") }, endTrailer];
  }
}

/** All PEM blocks of a text, in order. */
export function pemDecodeAll(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  let rest = goStringToBytes(text).toString("latin1");
  for (;;) {
    const [b, r] = pemDecode(rest);
    if (!b) return out;
    out.push(b);
    rest = r;
  }
}

/** The first block of a Go string. */
export function pemFirst(text: string): [PemBlock | undefined, string] {
  const [b, r] = pemDecode(goStringToBytes(text).toString("latin1"));
  return [b, bytesToGoString(Buffer.from(r, "latin1"))];
}

export function pemEncodeBlock(b: PemBlock): string {
  const hdrs = Object.keys(b.headers);
  if (hdrs.length === 0) return pemEncode(b.type, b.bytes);
  const ordered = hdrs.includes("Proc-Type")
    ? ["Proc-Type", ...hdrs.filter((h) => h !== "Proc-Type").sort()]
    : hdrs.sort();
  const h = ordered.map((k) => `${k}: ${b.headers[k]}\n`).join("");
  const pem = pemEncode(b.type, b.bytes);
  const nl = pem.indexOf("\n") + 1;
  return `${pem.slice(0, nl)}${h}\n${pem.slice(nl)}`;
}
