/** A minimal ASN.1 DER encoder and reader, enough for X.509 building and key formats. */

export function derLen(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLen(content.length), content]);
}

export const seq = (...items: Uint8Array[]) => tlv(0x30, Buffer.concat(items));
export const set = (...items: Uint8Array[]) => tlv(0x31, Buffer.concat(items));
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const bitString = (b: Uint8Array, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
export const nullValue = () => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
export const explicit = (n: number, content: Uint8Array) => tlv(0xa0 | n, content);
export const implicitPrim = (n: number, content: Uint8Array) => tlv(0x80 | n, content);

export function integer(v: bigint): Buffer {
  if (v === 0n) return tlv(0x02, Buffer.from([0]));
  const neg = v < 0n;
  let hex = (neg ? -v : v).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, "hex");
  if (neg) {
    // two's complement
    const bits = BigInt(b.length * 8);
    let t = ((1n << bits) + v).toString(16).padStart(b.length * 2, "0");
    if (!(Number.parseInt(t.slice(0, 2), 16) & 0x80)) t = `ff${t}`;
    b = Buffer.from(t, "hex");
  } else if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map((p) => BigInt(p));
  const bytes: number[] = [Number(parts[0]! * 40n + parts[1]!)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** Go's asn1 default string type: PrintableString when possible, UTF8String otherwise. */
export function goString(s: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(s);
  return tlv(printable ? 0x13 : 0x0c, Buffer.from(s, "utf8"));
}

export function derTime(d: Date): Buffer {
  const y = d.getUTCFullYear();
  const p = (n: number) => String(n).padStart(2, "0");
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${p(y % 100)}${rest}`));
  return tlv(0x18, Buffer.from(`${String(y).padStart(4, "0")}${rest}`));
}

export interface Node {
  tag: number;
  start: number;
  headerLen: number;
  len: number;
  raw: Buffer;
  content: Buffer;
}

/** Read one TLV at offset. */
export function read(buf: Buffer, off = 0): Node {
  if (off + 2 > buf.length) throw new Error("asn1: truncated");
  const tag = buf[off]!;
  let len = buf[off + 1]!;
  let hl = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error("asn1: invalid length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + 2 + i]!;
    hl += n;
  }
  if (off + hl + len > buf.length) throw new Error("asn1: truncated");
  return {
    tag,
    start: off,
    headerLen: hl,
    len,
    raw: buf.subarray(off, off + hl + len),
    content: buf.subarray(off + hl, off + hl + len),
  };
}

/** The children of a constructed node. */
export function children(n: Node): Node[] {
  const out: Node[] = [];
  let off = 0;
  while (off < n.content.length) {
    const c = read(n.content, off);
    out.push(c);
    off += c.headerLen + c.len;
  }
  return out;
}

export function readInt(n: Node): bigint {
  if (n.tag !== 0x02) throw new Error("asn1: expected INTEGER");
  const hex = n.content.toString("hex") || "00";
  let v = BigInt(`0x${hex}`);
  if (n.content[0]! & 0x80) v -= 1n << BigInt(n.content.length * 8);
  return v;
}

export function readOid(n: Node): string {
  const b = n.content;
  const parts: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < b.length; i++) {
    v = (v << 7n) | BigInt(b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      parts.push(v);
      v = 0n;
    }
  }
  const first = parts.shift() ?? 0n;
  const a = first < 80n ? first / 40n : 2n;
  return [a, first - a * 40n, ...parts].join(".");
}

export function pemEncode(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join("\n")}${lines.length ? "\n" : ""}-----END ${type}-----\n`;
}
