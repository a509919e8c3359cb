/**
 * Loopback fake of the OCI endpoints the oracle provider calls, all on one HTTP server: Secrets
 * (`/20190301/secretbundles/actions/getByName`), Vault (`/20180608/secrets` list/create/update/scheduleDeletion),
 * KMS (`/20180608/vaults/{id}`), the auth service's `/v1/x509` federation and the instance metadata service
 * (`/opc/v2/identity/*`); plus an HTTPS proxymux (`/resourcePrincipalSessionTokens`) for OKE workload identity.
 * Every service request must carry a valid OCI HTTP signature (version 1, rsa-sha256, the documented header
 * set, x-content-sha256 over the body) from a registered API key or an issued session token; errors use
 * OCI's `{code, message}` bodies.
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  verify,
  X509Certificate,
} from "node:crypto";
import type { ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import forge from "node-forge";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";
import { selfSignedCert } from "./azurekv-server.js";

export interface OracleFakeSecret {
  id: string;
  name: string;
  vaultId: string;
  compartmentId: string;
  keyId?: string;
  freeformTags: Record<string, string>;
  /** Newest last; stages by position: CURRENT (last), PREVIOUS (the one before). */
  versions: Buffer[];
  timeOfDeletion?: string;
}

export interface OracleFake {
  url: string;
  /** The HTTPS proxymux base URL and the CA that signs its certificate. */
  proxymuxUrl: string;
  proxymuxCaPem: string;
  vaults: Set<string>;
  secrets: OracleFakeSecret[];
  faults: Fault[];
  requests: { method: string; path: string; keyId?: string; body?: any }[];
  /** A new API key for tenancy/user: its PEM private key and fingerprint (MD5 of the public key, as OCI shows it). */
  addApiKey(tenancy: string, user: string): { privateKeyPem: string; fingerprint: string };
  removeApiKeys(): void;
  /** The instance identity the metadata service serves, for `tenancy`. */
  setInstanceIdentity(tenancy: string): void;
  /** proxymux: which ServiceAccount tokens it accepts (returns the workload name or undefined). */
  workloadToken?: (bearer: string) => string | undefined;
  /** Who each issued session token stands for. */
  sessions: Map<string, { subject: string; key: KeyObject }>;
  addSecret(s: {
    name: string;
    value: string | Buffer;
    vaultId?: string;
    compartmentId?: string;
    tags?: Record<string, string>;
  }): OracleFakeSecret;
  close(): Promise<void>;
}

export const FAKE_VAULT = "ocid1.vault.oc1.eu-frankfurt-1.fakevault";
export const FAKE_COMPARTMENT = "ocid1.compartment.oc1..fakecompartment";
const PAGE_SIZE = 2;

function ociError(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, { code, message }, { "opc-request-id": randomUUID() });
}

function fingerprintOf(pub: KeyObject): string {
  const der = pub.export({ type: "spki", format: "der" });
  return createHash("md5").update(der).digest("hex").match(/../g)!.join(":");
}

function fakeJwt(subject: string, ttlSeconds = 3600): string {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${b({ alg: "RS256", typ: "JWT" })}.${b({ sub: subject, iat: now, exp: now + ttlSeconds, jti: randomUUID() })}.sig`;
}

function parseSignature(header: string): Record<string, string> | undefined {
  if (!header.startsWith("Signature ")) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.slice(10).matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Instance identity: a CA-issued leaf naming the tenancy (`OU=opc-tenant:<ocid>`), its key, the intermediate. */
function instanceIdentity(tenancy: string) {
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = "01";
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 86_400_000);
  ca.setSubject([{ name: "commonName", value: "fake intermediate" }]);
  ca.setIssuer([{ name: "commonName", value: "fake intermediate" }]);
  ca.setExtensions([{ name: "basicConstraints", cA: true }]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  const leafKeys = forge.pki.rsa.generateKeyPair(2048);
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.publicKey;
  leaf.serialNumber = "02";
  leaf.validity.notBefore = new Date(Date.now() - 60_000);
  leaf.validity.notAfter = new Date(Date.now() + 86_400_000);
  leaf.setSubject([
    { name: "commonName", value: "ocid1.instance.oc1..fakeinstance" },
    { shortName: "OU", value: `opc-tenant:${tenancy}` },
  ]);
  leaf.setIssuer(ca.subject.attributes);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(leaf),
    keyPem: forge.pki.privateKeyToPem(leafKeys.privateKey),
    intermediatePem: forge.pki.certificateToPem(ca),
  };
}

export async function startOracleFake(): Promise<OracleFake> {
  const apiKeys = new Map<string, KeyObject>();
  let identity: ReturnType<typeof instanceIdentity> | undefined;
  let identityTenancy = "";
  const fake: Omit<OracleFake, "url" | "close" | "proxymuxUrl" | "proxymuxCaPem"> = {
    vaults: new Set([FAKE_VAULT]),
    secrets: [],
    faults: [],
    requests: [],
    sessions: new Map(),
    addApiKey(tenancy, user) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const fingerprint = fingerprintOf(publicKey);
      apiKeys.set(`${tenancy}/${user}/${fingerprint}`, publicKey);
      return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), fingerprint };
    },
    removeApiKeys() {
      apiKeys.clear();
    },
    setInstanceIdentity(tenancy) {
      identity = instanceIdentity(tenancy);
      identityTenancy = tenancy;
    },
    addSecret(s) {
      const secret: OracleFakeSecret = {
        id: `ocid1.vaultsecret.oc1..${randomUUID().replace(/-/g, "")}`,
        name: s.name,
        vaultId: s.vaultId ?? FAKE_VAULT,
        compartmentId: s.compartmentId ?? FAKE_COMPARTMENT,
        freeformTags: s.tags ?? {},
        versions: [Buffer.from(s.value)],
      };
      fake.secrets.push(secret);
      return secret;
    },
  };

  /** Verifies the OCI signature; returns the key ID, or answers 401 and returns undefined. */
  const authenticate = (req: FakeRequest, res: ServerResponse): string | undefined => {
    const refuse = () => {
      ociError(
        res,
        401,
        "NotAuthenticated",
        "The required information to complete authentication was not provided or was incorrect.",
      );
      return undefined;
    };
    const sig = parseSignature(String(req.headers.authorization ?? ""));
    if (sig?.version !== "1" || sig.algorithm !== "rsa-sha256" || !sig.keyId || !sig.signature) return refuse();
    const names = (sig.headers ?? "").split(" ");
    const required = ["date", "(request-target)", "host"];
    const withBody = req.method === "POST" || req.method === "PUT";
    if (withBody) required.push("x-content-sha256", "content-type", "content-length");
    if (required.some((h) => !names.includes(h))) return refuse();
    const date = Date.parse(String(req.headers.date ?? ""));
    if (!Number.isFinite(date) || Math.abs(Date.now() - date) > 300_000) return refuse();
    if (withBody) {
      const digest = createHash("sha256").update(req.body).digest("base64");
      if (req.headers["x-content-sha256"] !== digest) return refuse();
      if (String(req.headers["content-length"]) !== String(req.body.length)) return refuse();
    }
    const target = `${req.method.toLowerCase()} ${req.rawUrl}`;
    const signing = names
      .map((n) => `${n}: ${n === "(request-target)" ? target : String(req.headers[n] ?? "")}`)
      .join("\n");
    let key: KeyObject | undefined;
    if (sig.keyId.startsWith("ST$")) key = fake.sessions.get(sig.keyId.slice(3))?.key;
    else if (sig.keyId.includes("/fed-x509-sha256/") && identity) {
      const leaf = new X509Certificate(identity.certPem);
      if (sig.keyId === `${identityTenancy}/fed-x509-sha256/${leaf.fingerprint256}`) key = leaf.publicKey;
    } else key = apiKeys.get(sig.keyId);
    if (!key) return refuse();
    if (!verify("sha256", Buffer.from(signing), key, Buffer.from(sig.signature, "base64"))) return refuse();
    return sig.keyId;
  };

  const bundle = (s: OracleFakeSecret, stage: string | null) => {
    const n = s.versions.length;
    const index = stage === "PREVIOUS" ? n - 2 : n - 1;
    if (stage && !["CURRENT", "LATEST", "PREVIOUS"].includes(stage)) return undefined;
    const v = s.versions[index];
    if (!v) return undefined;
    return {
      secretId: s.id,
      versionNumber: index + 1,
      stages: index === n - 1 ? ["CURRENT", "LATEST"] : ["PREVIOUS"],
      timeOfDeletion: s.timeOfDeletion,
      secretBundleContent: { contentType: "BASE64", content: v.toString("base64") },
    };
  };

  const notFound = (res: ServerResponse) =>
    ociError(res, 404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.");

  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({
      code: status === 429 ? "TooManyRequests" : "InternalServerError",
      message: `injected ${status}`,
    }),
    requests: fake.requests,
    record: (req) => ({
      method: req.method,
      path: req.url.pathname,
      keyId: parseSignature(String(req.headers.authorization ?? ""))?.keyId,
      body: req.body.length && req.headers["content-type"] === "application/json" ? req.json() : undefined,
    }),
    fallback: (req, res) => {
      const p = req.url.pathname;
      const q = req.url.searchParams;
      if (p.startsWith("/opc/v2/identity/")) {
        if (req.headers.authorization !== "Bearer Oracle" || !identity)
          return ociError(res, 404, "NotFound", "no identity");
        const file = p.slice("/opc/v2/identity/".length);
        const body =
          file === "cert.pem"
            ? identity.certPem
            : file === "key.pem"
              ? identity.keyPem
              : file === "intermediate.pem"
                ? identity.intermediatePem
                : undefined;
        if (!body) return ociError(res, 404, "NotFound", "no such file");
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end(body);
      }
      const keyId = authenticate(req, res);
      if (!keyId) return;
      if (p === "/v1/x509" && req.method === "POST") {
        if (!keyId.includes("/fed-x509-sha256/"))
          return ociError(res, 401, "NotAuthenticated", "not an instance certificate");
        const b = req.json();
        if (
          b.purpose !== "DEFAULT" ||
          b.fingerprintAlgorithm !== "SHA256" ||
          !Array.isArray(b.intermediateCertificates)
        ) {
          return ociError(res, 400, "InvalidParameter", "bad federation request");
        }
        const key = createPublicKey(`-----BEGIN PUBLIC KEY-----\n${b.publicKey}\n-----END PUBLIC KEY-----\n`);
        const token = fakeJwt(`instance:${identityTenancy}`);
        fake.sessions.set(token, { subject: `instance:${identityTenancy}`, key });
        return sendJson(res, 200, { token });
      }
      if (p === "/20190301/secretbundles/actions/getByName" && req.method === "GET") {
        const s = fake.secrets.find((x) => x.name === q.get("secretName") && x.vaultId === q.get("vaultId"));
        const b = s && bundle(s, q.get("stage"));
        return b ? sendJson(res, 200, b) : notFound(res);
      }
      if (p === "/20180608/secrets" && req.method === "GET") {
        const compartment = q.get("compartmentId");
        if (!compartment) return ociError(res, 400, "MissingParameter", "compartmentId is required");
        const all = fake.secrets.filter(
          (s) => s.compartmentId === compartment && (!q.get("vaultId") || s.vaultId === q.get("vaultId")),
        );
        const start = Number(q.get("page") ?? 0);
        const items = all.slice(start, start + PAGE_SIZE).map((s) => ({
          id: s.id,
          secretName: s.name,
          compartmentId: s.compartmentId,
          vaultId: s.vaultId,
          freeformTags: s.freeformTags,
          lifecycleState: s.timeOfDeletion ? "PENDING_DELETION" : "ACTIVE",
          timeOfDeletion: s.timeOfDeletion,
        }));
        const headers: Record<string, string> =
          start + PAGE_SIZE < all.length ? { "opc-next-page": String(start + PAGE_SIZE) } : {};
        return sendJson(res, 200, items, headers);
      }
      if (p === "/20180608/secrets" && req.method === "POST") {
        const b = req.json();
        if (!b.compartmentId || !b.vaultId || !b.keyId || !b.secretName || b.secretContent?.contentType !== "BASE64") {
          return ociError(res, 400, "InvalidParameter", "missing required fields");
        }
        if (!fake.vaults.has(b.vaultId)) return notFound(res);
        if (fake.secrets.some((s) => s.name === b.secretName && s.vaultId === b.vaultId)) {
          return ociError(res, 409, "Conflict", "A secret with this name already exists.");
        }
        const s = fake.addSecret({
          name: b.secretName,
          value: Buffer.from(b.secretContent.content, "base64"),
          vaultId: b.vaultId,
          compartmentId: b.compartmentId,
        });
        s.keyId = b.keyId;
        return sendJson(res, 200, { id: s.id, secretName: s.name, lifecycleState: "CREATING" });
      }
      let m = /^\/20180608\/secrets\/([^/]+)$/.exec(p);
      if (m && req.method === "PUT") {
        const s = fake.secrets.find((x) => x.id === decodeURIComponent(m![1]!));
        if (!s) return notFound(res);
        const b = req.json();
        if (b.secretContent?.contentType !== "BASE64") return ociError(res, 400, "InvalidParameter", "secretContent");
        s.versions.push(Buffer.from(b.secretContent.content, "base64"));
        return sendJson(res, 200, { id: s.id, secretName: s.name, lifecycleState: "UPDATING" });
      }
      m = /^\/20180608\/secrets\/([^/]+)\/actions\/scheduleDeletion$/.exec(p);
      if (m && req.method === "POST") {
        const s = fake.secrets.find((x) => x.id === decodeURIComponent(m![1]!));
        if (!s) return notFound(res);
        const b = req.json();
        let when = Date.now() + 30 * 86_400_000;
        if (b.timeOfDeletion) {
          when = Date.parse(b.timeOfDeletion);
          const days = (when - Date.now()) / 86_400_000;
          if (!(days >= 0.99 && days <= 30.01))
            return ociError(res, 400, "InvalidParameter", "timeOfDeletion must be 1 to 30 days ahead");
        }
        s.timeOfDeletion = new Date(when).toISOString();
        res.writeHead(200, { "opc-request-id": randomUUID() });
        return res.end();
      }
      m = /^\/20180608\/vaults\/([^/]+)$/.exec(p);
      if (m && req.method === "GET") {
        const id = decodeURIComponent(m[1]!);
        if (!fake.vaults.has(id)) return notFound(res);
        return sendJson(res, 200, { id, displayName: "fake", lifecycleState: "ACTIVE" });
      }
      return notFound(res);
    },
  });

  // The proxymux speaks HTTPS with a certificate the cluster CA (here: the self-signed certificate) vouches for.
  const tls = selfSignedCert("proxymux", ["127.0.0.1"]);
  const proxymux: Server = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      fake.requests.push({ method: req.method ?? "", path: req.url ?? "" });
      const bearer = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
      const who =
        req.url === "/resourcePrincipalSessionTokens" && req.method === "POST"
          ? fake.workloadToken?.(bearer)
          : undefined;
      if (!who) return ociError(res, 401, "NotAuthenticated", "service account token rejected");
      let podKey: string;
      try {
        podKey = JSON.parse(Buffer.concat(chunks).toString("utf8")).podKey;
      } catch {
        return ociError(res, 400, "InvalidParameter", "podKey");
      }
      const token = fakeJwt(`workload:${who}`);
      fake.sessions.set(token, { subject: `workload:${who}`, key: createPublicKey(podKey) });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(Buffer.from(JSON.stringify({ token: `ST$${token}` })).toString("base64")));
    });
  });
  await new Promise<void>((r) => proxymux.listen(0, "127.0.0.1", r));
  const proxyPort = (proxymux.address() as AddressInfo).port;

  return Object.assign(fake, {
    url: server.url,
    proxymuxUrl: `https://127.0.0.1:${proxyPort}`,
    proxymuxCaPem: tls.certPem,
    close: async () => {
      proxymux.closeAllConnections();
      await new Promise<void>((r) => proxymux.close(() => r()));
      await server.close();
    },
  });
}
