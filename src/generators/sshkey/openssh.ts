/**
 * OpenSSH key encodings (RFC 4253 wire types, and the "openssh-key-v1" private key container that
 * ssh-keygen writes). node:crypto generates the keys; it cannot write these formats.
 */
import { randomBytes } from "node:crypto";

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function sshString(data: Buffer | string): Buffer {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  return Buffer.concat([u32(buf.length), buf]);
}

/** A non-negative big-endian integer as an SSH mpint: minimal bytes, a leading zero when the top bit is set. */
export function sshMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  let body = unsigned.subarray(start);
  if (body.length > 0 && (body[0]! & 0x80) !== 0) body = Buffer.concat([Buffer.from([0]), body]);
  return sshString(body);
}

export interface RsaComponents {
  n: Buffer;
  e: Buffer;
  d: Buffer;
  p: Buffer;
  q: Buffer;
  qi: Buffer;
}

export function rsaPublicBlob(k: Pick<RsaComponents, "n" | "e">): Buffer {
  return Buffer.concat([sshString("ssh-rsa"), sshMpint(k.e), sshMpint(k.n)]);
}

export function rsaPrivateFields(k: RsaComponents): Buffer {
  return Buffer.concat([
    sshString("ssh-rsa"),
    sshMpint(k.n),
    sshMpint(k.e),
    sshMpint(k.d),
    sshMpint(k.qi),
    sshMpint(k.p),
    sshMpint(k.q),
  ]);
}

export function ed25519PublicBlob(publicKey: Buffer): Buffer {
  return Buffer.concat([sshString("ssh-ed25519"), sshString(publicKey)]);
}

export function ed25519PrivateFields(seed: Buffer, publicKey: Buffer): Buffer {
  return Buffer.concat([sshString("ssh-ed25519"), sshString(publicKey), sshString(Buffer.concat([seed, publicKey]))]);
}

/** "ssh-ed25519 AAAA... comment" as in an authorized_keys file. */
export function authorizedKeyLine(type: string, publicBlob: Buffer, comment: string): string {
  const line = `${type} ${publicBlob.toString("base64")}`;
  return comment ? `${line} ${comment}\n` : `${line}\n`;
}

/** An unencrypted "openssh-key-v1" private key, PEM-armoured with 70-column lines as ssh-keygen writes it. */
export function opensshPrivateKey(publicBlob: Buffer, privateFields: Buffer, comment: string): string {
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, privateFields, sshString(comment)]);
  const pad: number[] = [];
  for (let i = 1; (section.length + pad.length) % 8 !== 0; i++) pad.push(i);
  section = Buffer.concat([section, Buffer.from(pad)]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    u32(1),
    sshString(publicBlob),
    sshString(section),
  ]).toString("base64");
  const lines = body.match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
