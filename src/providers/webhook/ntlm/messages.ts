/**
 * The three NTLM messages of [MS-NLMP] a client sends and reads: NEGOTIATE, CHALLENGE and AUTHENTICATE, with an
 * NTLMv2 response only (as upstream's go-ntlmssp: servers asking for LM or key exchange are refused).
 */
import { createHmac, randomBytes } from "node:crypto";
import { md4 } from "./md4.js";

const SIGNATURE = Buffer.from("NTLMSSP\0", "latin1");

export const Flags = {
  UNICODE: 0x00000001,
  REQUEST_TARGET: 0x00000004,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ALWAYS_SIGN: 0x00008000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  N128: 0x20000000,
  KEY_EXCH: 0x40000000,
  N56: 0x80000000,
} as const;

/** MsvAvTimestamp in the challenge's target info. */
const AV_TIMESTAMP = 7;
const AV_EOL = 0;
/** 100 ns intervals between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_OFFSET = 116444736000000000n;

export class NtlmError extends Error {
  override readonly name = "NtlmError";
}

const utf16 = (s: string) => Buffer.from(s, "utf16le");
const hmacMd5 = (key: Buffer, ...data: Buffer[]) => {
  const mac = createHmac("md5", key);
  for (const d of data) mac.update(d);
  return mac.digest();
};

/** NTOWFv2: HMAC-MD5 keyed by MD4 of the password over the upper-cased user name and the domain. */
export function ntowfV2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(md4(utf16(password)), utf16(user.toUpperCase() + domain));
}

/** Splits `DOMAIN\user`; a UPN (`user@domain`) is sent as is with no domain, as Windows clients do. */
export function splitUser(name: string): { user: string; domain: string; domainNeeded: boolean } {
  const slash = name.indexOf("\\");
  if (slash >= 0) return { user: name.slice(slash + 1), domain: name.slice(0, slash), domainNeeded: true };
  return { user: name, domain: "", domainNeeded: !name.includes("@") };
}

export function negotiateMessage(): Buffer {
  const flags =
    Flags.UNICODE |
    Flags.REQUEST_TARGET |
    Flags.NTLM |
    Flags.ALWAYS_SIGN |
    Flags.EXTENDED_SESSIONSECURITY |
    Flags.TARGET_INFO |
    Flags.VERSION |
    Flags.N128 |
    Flags.N56;
  const msg = Buffer.alloc(40);
  SIGNATURE.copy(msg, 0);
  msg.writeUInt32LE(1, 8);
  msg.writeUInt32LE(flags >>> 0, 12);
  // Empty domain and workstation buffers point at the end of the fixed part.
  msg.writeUInt32LE(40, 20);
  msg.writeUInt32LE(40, 28);
  // Version: 6.1 build 7601, NTLM revision 15.
  msg.writeUInt8(6, 32);
  msg.writeUInt8(1, 33);
  msg.writeUInt16LE(7601, 34);
  msg.writeUInt8(15, 39);
  return msg;
}

export interface Challenge {
  flags: number;
  serverChallenge: Buffer;
  targetName: string;
  /** The target info (AV pairs) exactly as received. */
  targetInfo: Buffer;
}

function field(msg: Buffer, at: number, what: string): Buffer {
  if (msg.length < at + 8) throw new NtlmError(`challenge message too short for ${what}`);
  const len = msg.readUInt16LE(at);
  const off = msg.readUInt32LE(at + 4);
  if (len === 0) return Buffer.alloc(0);
  if (off + len > msg.length) throw new NtlmError(`challenge message ${what} lies outside the message`);
  return msg.subarray(off, off + len);
}

export function parseChallenge(msg: Buffer): Challenge {
  if (msg.length < 32 || !msg.subarray(0, 8).equals(SIGNATURE) || msg.readUInt32LE(8) !== 2) {
    throw new NtlmError("the server's answer is not an NTLM challenge message");
  }
  const flags = msg.readUInt32LE(20);
  const name = field(msg, 12, "target name");
  return {
    flags,
    serverChallenge: Buffer.from(msg.subarray(24, 32)),
    targetName: flags & Flags.UNICODE ? name.toString("utf16le") : name.toString("latin1"),
    targetInfo: msg.length >= 48 ? Buffer.from(field(msg, 40, "target info")) : Buffer.alloc(0),
  };
}

/** The value of one AV pair in a target info block, or undefined. */
export function avPair(targetInfo: Buffer, id: number): Buffer | undefined {
  let at = 0;
  while (at + 4 <= targetInfo.length) {
    const avId = targetInfo.readUInt16LE(at);
    const len = targetInfo.readUInt16LE(at + 2);
    if (avId === AV_EOL) return undefined;
    if (avId === id) return targetInfo.subarray(at + 4, at + 4 + len);
    at += 4 + len;
  }
  return undefined;
}

export function fileTimeNow(nowMs = Date.now()): Buffer {
  const t = Buffer.alloc(8);
  t.writeBigUInt64LE(BigInt(nowMs) * 10000n + FILETIME_UNIX_OFFSET);
  return t;
}

/** NTLMv2 response: NTProofStr followed by the client blob it covers. */
export function ntlmV2Response(
  hash: Buffer,
  serverChallenge: Buffer,
  clientChallenge: Buffer,
  timestamp: Buffer,
  targetInfo: Buffer,
): Buffer {
  const blob = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    targetInfo,
    Buffer.alloc(4),
  ]);
  return Buffer.concat([hmacMd5(hash, serverChallenge, blob), blob]);
}

export interface Credentials {
  /** `user`, `DOMAIN\user` or `user@domain`. */
  username: string;
  password: string;
}

/** The AUTHENTICATE message answering `challenge` for `creds`. */
export function authenticateMessage(
  challenge: Challenge,
  creds: Credentials,
  opts: { clientChallenge?: Buffer; now?: number } = {},
): Buffer {
  if (challenge.flags & Flags.LM_KEY) {
    throw new NtlmError("the server asked for NTLMv1 (NEGOTIATE_LM_KEY); only NTLMv2 is supported");
  }
  if (challenge.flags & Flags.KEY_EXCH) {
    throw new NtlmError("the server asked for key exchange (NEGOTIATE_KEY_EXCH), which is not supported");
  }
  const { user, domainNeeded } = splitUser(creds.username);
  const domain = domainNeeded ? challenge.targetName : "";
  const hash = ntowfV2(creds.password, user, domain);
  const clientChallenge = opts.clientChallenge ?? randomBytes(8);
  const timestamp = avPair(challenge.targetInfo, AV_TIMESTAMP) ?? fileTimeNow(opts.now);
  const nt = ntlmV2Response(hash, challenge.serverChallenge, clientChallenge, timestamp, challenge.targetInfo);
  // LMv2 is only sent when the server gave no target info.
  const lm =
    challenge.targetInfo.length === 0
      ? Buffer.concat([hmacMd5(hash, challenge.serverChallenge, clientChallenge), clientChallenge])
      : Buffer.alloc(0);

  const payload = [lm, nt, utf16(domain), utf16(user), Buffer.alloc(0), Buffer.alloc(0)];
  const header = Buffer.alloc(72);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(3, 8);
  let offset = header.length;
  payload.forEach((p, i) => {
    const at = 12 + i * 8;
    header.writeUInt16LE(p.length, at);
    header.writeUInt16LE(p.length, at + 2);
    header.writeUInt32LE(offset, at + 4);
    offset += p.length;
  });
  header.writeUInt32LE(challenge.flags >>> 0, 60);
  header.writeUInt8(6, 64);
  header.writeUInt8(1, 65);
  header.writeUInt16LE(7601, 66);
  header.writeUInt8(15, 71);
  return Buffer.concat([header, ...payload]);
}
