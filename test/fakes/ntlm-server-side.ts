/**
 * The server half of NTLM for the loopback fakes: builds CHALLENGE messages and checks an AUTHENTICATE message's
 * NTLMv2 response against the account's password, as a Windows server (IIS) does.
 */
import { createHmac, randomBytes } from "node:crypto";
import { md4 } from "../../src/providers/webhook/ntlm/md4.js";

const SIGNATURE = Buffer.from("NTLMSSP\0", "latin1");

export interface NtlmAccount {
  /** Domain the server names in its challenge (the target name). */
  domain: string;
  user: string;
  password: string;
}

function av(id: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(id, 0);
  h.writeUInt16LE(value.length, 2);
  return Buffer.concat([h, value]);
}

export function isNegotiate(msg: Buffer): boolean {
  return msg.length >= 12 && msg.subarray(0, 8).equals(SIGNATURE) && msg.readUInt32LE(8) === 1;
}

/** A CHALLENGE with a fresh server challenge, the domain as target name and target info with a timestamp. */
export function challengeMessage(domain: string, opts: { flags?: number } = {}): { msg: Buffer; challenge: Buffer } {
  const challenge = randomBytes(8);
  const name = Buffer.from(domain, "utf16le");
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64LE(BigInt(Date.now()) * 10000n + 116444736000000000n);
  const info = Buffer.concat([
    av(2, Buffer.from(domain, "utf16le")),
    av(1, Buffer.from("FAKESERVER", "utf16le")),
    av(7, ts),
    Buffer.alloc(4),
  ]);
  const header = Buffer.alloc(56);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(2, 8);
  header.writeUInt16LE(name.length, 12);
  header.writeUInt16LE(name.length, 14);
  header.writeUInt32LE(56, 16);
  // UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | TARGET_TYPE_DOMAIN | EXTENDED_SESSIONSECURITY | TARGET_INFO
  header.writeUInt32LE((opts.flags ?? 0x00898205) >>> 0, 20);
  challenge.copy(header, 24);
  header.writeUInt16LE(info.length, 40);
  header.writeUInt16LE(info.length, 42);
  header.writeUInt32LE(56 + name.length, 44);
  return { msg: Buffer.concat([header, name, info]), challenge };
}

export interface AuthenticateCheck {
  ok: boolean;
  user: string;
  domain: string;
  reason?: string;
}

/** Verifies the NTLMv2 response of an AUTHENTICATE message for `account` and the challenge sent. */
export function verifyAuthenticate(msg: Buffer, account: NtlmAccount, serverChallenge: Buffer): AuthenticateCheck {
  if (msg.length < 64 || !msg.subarray(0, 8).equals(SIGNATURE) || msg.readUInt32LE(8) !== 3) {
    return { ok: false, user: "", domain: "", reason: "not an authenticate message" };
  }
  const field = (at: number) => msg.subarray(msg.readUInt32LE(at + 4), msg.readUInt32LE(at + 4) + msg.readUInt16LE(at));
  const nt = field(20);
  const domain = field(28).toString("utf16le");
  const user = field(36).toString("utf16le");
  if (nt.length <= 24) return { ok: false, user, domain, reason: "no NTLMv2 response" };
  const proof = nt.subarray(0, 16);
  const blob = nt.subarray(16);
  // The user name is compared case-insensitively, as Windows does; the domain as sent must be the account's.
  if (user.toUpperCase() !== account.user.toUpperCase() || domain.toUpperCase() !== account.domain.toUpperCase()) {
    return { ok: false, user, domain, reason: "unknown account" };
  }
  const key = createHmac("md5", md4(Buffer.from(account.password, "utf16le")))
    .update(Buffer.from(user.toUpperCase() + domain, "utf16le"))
    .digest();
  const expected = createHmac("md5", key).update(serverChallenge).update(blob).digest();
  return expected.equals(proof) ? { ok: true, user, domain } : { ok: false, user, domain, reason: "wrong password" };
}
