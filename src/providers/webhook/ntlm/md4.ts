/**
 * MD4 (RFC 1320), which NTLM's password hash needs and OpenSSL 3's default provider no longer offers.
 * Only for NTLM: MD4 is broken as a general-purpose hash.
 */

const f = (x: number, y: number, z: number) => (x & y) | (~x & z);
const g = (x: number, y: number, z: number) => (x & y) | (x & z) | (y & z);
const h = (x: number, y: number, z: number) => x ^ y ^ z;
const rotl = (v: number, s: number) => (v << s) | (v >>> (32 - s));

/** Round order of the message words and the shifts, per RFC 1320 section 3.4. */
const R2_ORDER = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
const R3_ORDER = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
const R1_SHIFTS = [3, 7, 11, 19];
const R2_SHIFTS = [3, 5, 9, 13];
const R3_SHIFTS = [3, 9, 11, 15];

export function md4(input: Buffer): Buffer {
  // Padding: 0x80, zeros to 56 mod 64, then the bit length as a 64-bit little-endian integer.
  const padded = Buffer.alloc((((input.length + 8) >> 6) + 1) << 6);
  input.copy(padded);
  padded[input.length] = 0x80;
  const bits = input.length * 8;
  padded.writeUInt32LE(bits >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bits / 0x100000000) >>> 0, padded.length - 4);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Array<number>(16);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readUInt32LE(off + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    for (let i = 0; i < 16; i++) {
      const t = rotl((a + f(b, c, d) + x[i]!) | 0, R1_SHIFTS[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    for (let i = 0; i < 16; i++) {
      const t = rotl((a + g(b, c, d) + x[R2_ORDER[i]!]! + 0x5a827999) | 0, R2_SHIFTS[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    for (let i = 0; i < 16; i++) {
      const t = rotl((a + h(b, c, d) + x[R3_ORDER[i]!]! + 0x6ed9eba1) | 0, R3_SHIFTS[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  out.writeInt32LE(a, 0);
  out.writeInt32LE(b, 4);
  out.writeInt32LE(c, 8);
  out.writeInt32LE(d, 12);
  return out;
}
