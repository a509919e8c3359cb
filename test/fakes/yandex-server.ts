/**
 * Loopback fake of the Yandex Cloud REST APIs the Yandex providers call, over HTTPS with its own CA: the endpoint
 * list (`GET /endpoints`, every service at this server), IAM token creation from a PS256 JWT (checked against the
 * registered authorized keys' public keys, `kid`, `iss`, `aud` and expiry), Lockbox Payload.Get/GetEx,
 * Certificate Manager CertificateContent.Get/GetEx, and the gRPC-gateway error bodies (`{code, message}`).
 * A second, plain-HTTP server plays the instance metadata service.
 */
import { constants, createPublicKey, generateKeyPairSync, randomUUID, verify } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";
import { selfSignedCert } from "./azurekv-server.js";

export const IAM_AUDIENCE = "https://iam.api.cloud.yandex.net/iam/v1/tokens";

export interface YandexFakeKey {
  id: string;
  serviceAccountId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  /** The authorized key file as `yc iam key create` writes it. */
  json: string;
}

export interface LockboxFakeSecret {
  id: string;
  folderId: string;
  name: string;
  /** Versions, oldest first; the last is current. */
  versions: { id: string; entries: { key: string; text?: string; binary?: Buffer }[] }[];
}

export interface CertFakeCertificate {
  id: string;
  folderId: string;
  name: string;
  versions: { id: string; chain: string[]; privateKey: string }[];
}

export interface YandexFake {
  /** `127.0.0.1:<port>`: what a store's apiEndpoint names. */
  apiEndpoint: string;
  caPem: string;
  metadataUrl: string;
  /** Service accounts allowed to read (others get PERMISSION_DENIED). */
  readers: Set<string>;
  /** IAM tokens issued, token -> service account. */
  tokens: Map<string, string>;
  instanceToken: string;
  secrets: LockboxFakeSecret[];
  certificates: CertFakeCertificate[];
  faults: Fault[];
  requests: string[];
  newKey(serviceAccountId?: string): YandexFakeKey;
  addSecret(s: Omit<LockboxFakeSecret, "id"> & { id?: string }): LockboxFakeSecret;
  addCertificate(c: Omit<CertFakeCertificate, "id"> & { id?: string }): CertFakeCertificate;
  close(): Promise<void>;
}

const GRPC = { invalid: 3, notFound: 5, denied: 7, exhausted: 8, internal: 13, unauthenticated: 16 } as const;
const grpcError = (res: ServerResponse, status: number, code: number, message: string) =>
  sendJson(res, status, { code, message, details: [] });

function verifyJwt(jwt: string, keys: Map<string, YandexFakeKey>): string | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3) return undefined;
  const [h, c, s] = parts as [string, string, string];
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  const claims = JSON.parse(Buffer.from(c, "base64url").toString());
  const key = keys.get(header.kid);
  if (!key || header.alg !== "PS256") return undefined;
  const ok = verify(
    "sha256",
    Buffer.from(`${h}.${c}`),
    { key: createPublicKey(key.publicKeyPem), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    Buffer.from(s, "base64url"),
  );
  const now = Date.now() / 1000;
  if (!ok || claims.iss !== key.serviceAccountId || claims.aud !== IAM_AUDIENCE) return undefined;
  if (!(claims.exp > now && claims.iat <= now + 60 && claims.exp - claims.iat <= 3600)) return undefined;
  return key.serviceAccountId;
}

export async function startYandexFake(): Promise<YandexFake> {
  const cert = selfSignedCert("127.0.0.1");
  const keys = new Map<string, YandexFakeKey>();
  const fake = {
    readers: new Set<string>(),
    tokens: new Map<string, string>(),
    instanceToken: `t1.instance-${randomUUID()}`,
    secrets: [] as LockboxFakeSecret[],
    certificates: [] as CertFakeCertificate[],
    faults: [] as Fault[],
    requests: [] as string[],
  };
  let address = "";

  /** The service account of the bearer token, or undefined after answering the error. */
  const caller = (req: FakeRequest, res: ServerResponse): string | undefined => {
    const auth = String(req.headers.authorization ?? "");
    const sa = auth.startsWith("Bearer ") ? fake.tokens.get(auth.slice(7)) : undefined;
    if (!sa) {
      grpcError(res, 401, GRPC.unauthenticated, "The token is invalid");
      return undefined;
    }
    if (!fake.readers.has(sa)) {
      grpcError(res, 403, GRPC.denied, "Permission denied");
      return undefined;
    }
    return sa;
  };
  const pickVersion = <V extends { id: string }>(versions: V[], id: string | null) =>
    id ? versions.find((v) => v.id === id) : versions.at(-1);

  const lockboxEntriesJson = (v: LockboxFakeSecret["versions"][number]) =>
    v.entries.map((e) =>
      e.binary ? { key: e.key, binaryValue: e.binary.toString("base64") } : { key: e.key, textValue: e.text ?? "" },
    );

  const server = await startFakeServer({
    tls: { key: cert.keyPem, cert: cert.certPem },
    faults: fake.faults,
    requests: fake.requests,
    faultBody: (status) => ({
      code: status === 429 ? GRPC.exhausted : GRPC.internal,
      message: `injected ${status}`,
      details: [],
    }),
    record: (r) => `${r.method} ${r.url.pathname}${r.url.search}`,
    routes: [
      {
        method: "GET",
        path: "/endpoints",
        handle: (_req, res) =>
          sendJson(res, 200, {
            endpoints: ["iam", "lockbox-payload", "certificate-manager-data", "lockbox"].map((id) => ({
              id,
              address,
            })),
          }),
      },
      {
        method: "POST",
        path: "/iam/v1/tokens",
        handle: (req, res) => {
          const jwt = req.json().jwt;
          const sa = typeof jwt === "string" ? verifyJwt(jwt, keys) : undefined;
          if (!sa) return grpcError(res, 401, GRPC.unauthenticated, "JWT is invalid");
          const token = `t1.${randomUUID()}`;
          fake.tokens.set(token, sa);
          return sendJson(res, 200, { iamToken: token, expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString() });
        },
      },
      {
        method: "GET",
        path: /^\/lockbox\/v1\/secrets\/([^/:]+)\/payload$/,
        handle: (req, res, m) => {
          if (!caller(req, res)) return;
          const s = fake.secrets.find((x) => x.id === decodeURIComponent(m![1]!));
          const v = s && pickVersion(s.versions, req.url.searchParams.get("versionId"));
          if (!s || !v) return grpcError(res, 404, GRPC.notFound, "Secret not found");
          return sendJson(res, 200, { secretId: s.id, versionId: v.id, entries: lockboxEntriesJson(v) });
        },
      },
      {
        method: "GET",
        path: "/lockbox/v1/secrets:getEx",
        handle: (req, res) => {
          if (!caller(req, res)) return;
          const q = req.url.searchParams;
          const folderId = q.get("folderAndName.folderId");
          const name = q.get("folderAndName.secretName");
          if (!folderId || !name) return grpcError(res, 400, GRPC.invalid, "Request validation error");
          const s = fake.secrets.find((x) => x.folderId === folderId && x.name === name);
          const v = s && pickVersion(s.versions, q.get("versionId"));
          if (!s || !v) return grpcError(res, 404, GRPC.notFound, "Secret not found");
          const entries: Record<string, string> = {};
          for (const e of v.entries) entries[e.key] = (e.binary ?? Buffer.from(e.text ?? "")).toString("base64");
          return sendJson(res, 200, { secretId: s.id, versionId: v.id, entries });
        },
      },
      {
        method: "GET",
        path: /^\/certificate-manager\/v1\/certificates\/([^/:]+):getContent$/,
        handle: (req, res, m) => {
          if (!caller(req, res)) return;
          const c = fake.certificates.find((x) => x.id === decodeURIComponent(m![1]!));
          const v = c && pickVersion(c.versions, req.url.searchParams.get("versionId"));
          if (!c || !v) return grpcError(res, 404, GRPC.notFound, "Certificate not found");
          return sendJson(res, 200, { certificateId: c.id, certificateChain: v.chain, privateKey: v.privateKey });
        },
      },
      {
        method: "GET",
        path: "/certificate-manager/v1/certificates:getEx",
        handle: (req, res) => {
          if (!caller(req, res)) return;
          const q = req.url.searchParams;
          const c = fake.certificates.find(
            (x) => x.folderId === q.get("folderAndName.folderId") && x.name === q.get("folderAndName.certificateName"),
          );
          const v = c && pickVersion(c.versions, q.get("versionId"));
          if (!c || !v) return grpcError(res, 404, GRPC.notFound, "Certificate not found");
          return sendJson(res, 200, {
            certificateId: c.id,
            versionId: v.id,
            certificateChain: v.chain,
            privateKey: v.privateKey,
          });
        },
      },
    ],
    fallback: (_req, res) => grpcError(res, 404, GRPC.notFound, "Not Found"),
  });
  address = `127.0.0.1:${server.port}`;

  const metadata = await startFakeServer({
    routes: [
      {
        method: "GET",
        path: "/computeMetadata/v1/instance/service-accounts/default/token",
        handle: (req, res) => {
          if (req.headers["metadata-flavor"] !== "Google") return sendJson(res, 403, { error: "no flavor" });
          return sendJson(res, 200, { access_token: fake.instanceToken, expires_in: 3600, token_type: "Bearer" });
        },
      },
    ],
  });

  const newKey = (serviceAccountId = `aje${randomUUID().slice(0, 8)}`): YandexFakeKey => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const id = `ajk${randomUUID().slice(0, 8)}`;
    const json = JSON.stringify({
      id,
      service_account_id: serviceAccountId,
      created_at: new Date().toISOString(),
      key_algorithm: "RSA_2048",
      public_key: publicKeyPem,
      private_key: `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${id}>\n${privateKeyPem}`,
    });
    const key = { id, serviceAccountId, privateKeyPem, publicKeyPem, json };
    keys.set(id, key);
    return key;
  };

  return Object.assign(fake, {
    apiEndpoint: address,
    caPem: cert.certPem,
    metadataUrl: metadata.url,
    newKey,
    addSecret: (s: Omit<LockboxFakeSecret, "id"> & { id?: string }) => {
      const secret = { ...s, id: s.id ?? `e6q${randomUUID().slice(0, 8)}` };
      fake.secrets.push(secret);
      return secret;
    },
    addCertificate: (c: Omit<CertFakeCertificate, "id"> & { id?: string }) => {
      const certificate = { ...c, id: c.id ?? `fpq${randomUUID().slice(0, 8)}` };
      fake.certificates.push(certificate);
      return certificate;
    },
    close: async () => {
      await server.close();
      await metadata.close();
    },
  });
}
