/**
 * Loopback fake of the two Nebius gRPC services the nebiusmysterybox provider calls, on one TLS port:
 * nebius.mysterybox.v1.PayloadService (Get, GetByKey; bearer IAM token in metadata; NOT_FOUND for a missing
 * secret, version or key) and nebius.iam.v1.TokenExchangeService.Exchange (checks the RS256 service-account JWT:
 * kid, iss = sub = account, audience, expiry, and the RFC 8693 grant and token types). Its certificate names
 * `dpl.mysterybox.<domain>` and `tokens.iam.<domain>`, signed by a throwaway CA the tests trust.
 */
import { createPublicKey, createVerify, generateKeyPairSync, randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import forge from "node-forge";
import { decodeFields } from "../../src/providers/nebiusmysterybox/wire.js";

export const FAKE_DOMAIN = "nebius.test";

export interface FakeNebiusSecret {
  /** versionId -> entries; the first version listed is the primary one. */
  versions: [string, { key: string; string?: string; binary?: Buffer }[]][];
}

export type NebiusFault = number | { hang: true };

export interface NebiusFake {
  /** host:port to dial (ESO_NEBIUS_ENDPOINT). */
  address: string;
  caPem: string;
  /** IAM tokens accepted by PayloadService. */
  tokens: Set<string>;
  /** Service accounts allowed to exchange: kid -> { account, public key PEM }. */
  accounts: Map<string, { account: string; publicKeyPem: string }>;
  secrets: Map<string, FakeNebiusSecret>;
  faults: NebiusFault[];
  /** "<method> <secret id>" for payload calls, "Exchange <account>" for token exchanges. */
  requests: string[];
  /** A new service account with its credentials document, as the Nebius console issues it. */
  newServiceAccount(): { account: string; credentialsJson: string };
  close(): Promise<void>;
}

function varint(n: number | bigint): Buffer {
  const out: number[] = [];
  let v = BigInt(n);
  while (v > 0x7fn) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const field = (no: number, bytes: Buffer) => Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
const str = (no: number, s: string) => (s ? field(no, Buffer.from(s, "utf8")) : Buffer.alloc(0));

function payload(e: { key: string; string?: string; binary?: Buffer }): Buffer {
  return Buffer.concat([
    str(1, e.key),
    e.binary ? field(13, e.binary) : field(12, Buffer.from(e.string ?? "", "utf8")),
  ]);
}

function strings(buf: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  for (const f of decodeFields(buf)) if (f.bytes) out.set(f.no, f.bytes.toString("utf8"));
  return out;
}

function makePki(hosts: string[]) {
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = "01";
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  ca.setSubject([{ name: "commonName", value: "nebius-test-ca" }]);
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", keyCertSign: true, digitalSignature: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "02";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: "commonName", value: hosts[0]! }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: hosts.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

function verifyJwt(jwt: string, accounts: NebiusFake["accounts"]): string | undefined {
  const [h, c, s] = jwt.split(".");
  if (!h || !c || !s) return undefined;
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  const claims = JSON.parse(Buffer.from(c, "base64url").toString());
  const acct = accounts.get(header.kid);
  if (!acct || header.alg !== "RS256") return undefined;
  const ok = createVerify("RSA-SHA256")
    .update(`${h}.${c}`)
    .verify(createPublicKey(acct.publicKeyPem), Buffer.from(s, "base64url"));
  const now = Date.now() / 1000;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!ok || claims.iss !== acct.account || claims.sub !== acct.account) return undefined;
  if (!aud.includes("token-service.iam.new.nebiuscloud.net") || !(claims.exp > now) || claims.exp - now > 3600) {
    return undefined;
  }
  return acct.account;
}

export async function startNebiusFake(): Promise<NebiusFake> {
  const pki = makePki([`dpl.mysterybox.${FAKE_DOMAIN}`, `tokens.iam.${FAKE_DOMAIN}`]);
  const fake = {
    caPem: pki.caPem,
    tokens: new Set<string>(),
    accounts: new Map<string, { account: string; publicKeyPem: string }>(),
    secrets: new Map<string, FakeNebiusSecret>(),
    faults: [] as NebiusFault[],
    requests: [] as string[],
  };
  const server = new grpc.Server();
  const pass = (b: Buffer) => b;
  const def = (path: string) => ({
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: pass,
    requestDeserialize: pass,
    responseSerialize: pass,
    responseDeserialize: pass,
  });
  type Done = grpc.sendUnaryData<Buffer>;
  const fail = (done: Done, code: grpc.status, details: string) => done({ code, details } as grpc.ServiceError);
  /** Serves a queued fault; true when the call was answered (or left hanging). */
  const faulted = (done: Done): boolean => {
    const f = fake.faults.shift();
    if (f === undefined) return false;
    if (typeof f === "number") fail(done, f, `injected ${grpc.status[f]}`);
    return true;
  };
  const authorized = (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: Done): boolean => {
    const auth = call.metadata.get("authorization")[0];
    const token = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (fake.tokens.has(token)) return true;
    fail(done, grpc.status.UNAUTHENTICATED, "invalid IAM token");
    return false;
  };
  const lookup = (req: Map<number, string>) => {
    const secret = fake.secrets.get(req.get(1) ?? "");
    if (!secret) return undefined;
    const wanted = req.get(2);
    return wanted ? secret.versions.find(([id]) => id === wanted) : secret.versions[0];
  };
  server.addService(
    {
      Get: def("/nebius.mysterybox.v1.PayloadService/Get"),
      GetByKey: def("/nebius.mysterybox.v1.PayloadService/GetByKey"),
    } as grpc.ServiceDefinition,
    {
      Get: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: Done) => {
        const req = strings(call.request);
        fake.requests.push(`Get ${req.get(1)}`);
        if (faulted(done) || !authorized(call, done)) return;
        const version = lookup(req);
        if (!version) return fail(done, grpc.status.NOT_FOUND, "secret or version not found");
        done(null, Buffer.concat([str(1, version[0]), ...version[1].map((e) => field(2, payload(e)))]));
      },
      GetByKey: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: Done) => {
        const req = strings(call.request);
        fake.requests.push(`GetByKey ${req.get(1)}`);
        if (faulted(done) || !authorized(call, done)) return;
        const version = lookup(req);
        const entry = version?.[1].find((e) => e.key === req.get(3));
        if (!version || !entry) return fail(done, grpc.status.NOT_FOUND, "key not found");
        done(null, Buffer.concat([str(1, version[0]), field(2, payload(entry))]));
      },
    },
  );
  server.addService({ Exchange: def("/nebius.iam.v1.TokenExchangeService/Exchange") } as grpc.ServiceDefinition, {
    Exchange: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: Done) => {
      const req = strings(call.request);
      const account = verifyJwt(req.get(3) ?? "", fake.accounts);
      fake.requests.push(`Exchange ${account ?? "?"}`);
      if (faulted(done)) return;
      const typesOk =
        req.get(1) === "urn:ietf:params:oauth:grant-type:token-exchange" &&
        req.get(4) === "urn:ietf:params:oauth:token-type:jwt";
      if (!typesOk) return fail(done, grpc.status.INVALID_ARGUMENT, "bad grant or subject token type");
      if (!account) return fail(done, grpc.status.UNAUTHENTICATED, "invalid subject token");
      const token = `iam-${randomUUID()}`;
      fake.tokens.add(token);
      done(
        null,
        Buffer.concat([
          str(1, token),
          str(2, "urn:ietf:params:oauth:token-type:access_token"),
          str(3, "Bearer"),
          varint(4 << 3),
          varint(3600),
        ]),
      );
    },
  });
  const creds = grpc.ServerCredentials.createSsl(null, [
    { private_key: Buffer.from(pki.keyPem), cert_chain: Buffer.from(pki.certPem) },
  ]);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return Object.assign(fake, {
    address: `127.0.0.1:${port}`,
    newServiceAccount() {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const account = `serviceaccount-${randomUUID().slice(0, 8)}`;
      const kid = `publickey-${randomUUID().slice(0, 8)}`;
      fake.accounts.set(kid, { account, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() });
      const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      const credentialsJson = JSON.stringify({
        "subject-credentials": { alg: "RS256", "private-key": pem, kid, iss: account, sub: account },
      });
      return { account, credentialsJson };
    },
    close: async () => server.forceShutdown(),
  });
}
