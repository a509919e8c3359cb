/**
 * Loopback fakes for Azure Key Vault: an HTTPS server (self-signed certificate) speaking the Key Vault REST
 * wire format (secrets, keys, certificates, bearer challenge, `{error: {code, message}}` bodies) and the
 * Microsoft Entra ID v2 token endpoint (client secret, certificate and federated assertions), plus a plain HTTP
 * IMDS endpoint for managed identities. A token is bound to the resource it was requested for (the `scope` of
 * the token request, the `resource` of IMDS); the vault accepts only tokens for the resource its challenge names.
 */
import { createHash, createPublicKey, generateKeyPairSync, randomUUID, verify, X509Certificate } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import forge from "node-forge";

export interface SelfSigned {
  certPem: string;
  keyPem: string;
  derBase64: string;
}

/** A fresh self-signed RSA certificate for the given IP/DNS names. */
export function selfSignedCert(cn: string, sans: string[] = ["127.0.0.1", "localhost"]): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = `01${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const attrs = [{ name: "commonName", value: cn }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    {
      name: "subjectAltName",
      altNames: sans.map((s) => (/^[\d.]+$/.test(s) ? { type: 7, ip: s } : { type: 2, value: s })),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const derBase64 = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary").toString(
    "base64",
  );
  return { certPem, keyPem, derBase64 };
}

interface KvObject {
  versions: { id: string; value: string; tags: Record<string, string>; enabled: boolean }[];
}

export type AzureClient =
  | { secret: string }
  | { certificatePem: string }
  | { federated: (assertion: string) => boolean };

export interface AzureKVFake {
  /** https://127.0.0.1:port — the vault URL and the authority host. */
  url: string;
  /** http://127.0.0.1:port — the IMDS endpoint (AZURE_POD_IDENTITY_AUTHORITY_HOST). */
  imdsUrl: string;
  caPem: string;
  tenantId: string;
  clients: Map<string, AzureClient>;
  managedIdentities: Set<string>;
  /** The identity selector of each IMDS request ("client_id=...", "msi_res_id=...", "object_id=..." or "system"). */
  imdsSelectors: string[];
  secrets: Map<string, KvObject>;
  /** key name -> JWK (wire format, base64url members). */
  keys: Map<string, { jwk: Record<string, unknown>; tags: Record<string, string> }>;
  certificates: Map<string, { derBase64: string; tags: Record<string, string> }>;
  faults: number[];
  requests: string[];
  tokenRequests: number;
  /** The resource the vault's 401 challenge names (default https://vault.azure.net). */
  resource: string;
  /** Scopes (or IMDS resources) tokens were issued for, in order. */
  tokenScopes: string[];
  /** The resource an access token this fake issued is for (no trailing slash), or undefined if it never issued it. */
  tokenResource(token: string): string | undefined;
  setSecret(name: string, value: string, tags?: Record<string, string>): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}
const kvError = (
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
) => send(res, status, { error: { code, message } }, headers);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Verifies a client-assertion JWT signed with the certificate's key (RS256 or PS256, x5t or x5t#S256). */
function verifyCertAssertion(assertion: string, certPem: string): boolean {
  const [h, p, s] = assertion.split(".");
  if (!h || !p || !s) return false;
  const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, string>;
  const x509 = new X509Certificate(certPem);
  const der = x509.raw;
  const sha1 = createHash("sha1").update(der).digest("base64url");
  const sha256 = createHash("sha256").update(der).digest("base64url");
  if (header.x5t !== sha1 && header["x5t#S256"] !== sha256) return false;
  const key = createPublicKey(certPem);
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, "base64url");
  if (header.alg === "PS256") {
    return verify("sha256", data, { key, padding: 6, saltLength: 32 }, sig);
  }
  return verify("sha256", data, key, sig);
}

export async function startAzureKVFake(tenantId = "tenant-1"): Promise<AzureKVFake> {
  const tls = selfSignedCert("127.0.0.1");
  /** token -> the resource it was issued for. */
  const tokens = new Map<string, string>();
  const resourceOf = (scope: string) =>
    scope
      .trim()
      .replace(/\/\.default$/, "")
      .replace(/\/+$/, "");
  const issue = (scope: string) => {
    const t = `at-${randomUUID()}`;
    tokens.set(t, resourceOf(scope));
    fake.tokenRequests++;
    fake.tokenScopes.push(scope);
    return t;
  };
  const fake = {
    caPem: tls.certPem,
    tenantId,
    clients: new Map(),
    managedIdentities: new Set(),
    imdsSelectors: [] as string[],
    secrets: new Map(),
    keys: new Map(),
    certificates: new Map(),
    faults: [] as number[],
    requests: [] as string[],
    tokenRequests: 0,
    resource: "https://vault.azure.net",
    tokenScopes: [] as string[],
    tokenResource: (token: string) => tokens.get(token),
    setSecret(name: string, value: string, tags: Record<string, string> = {}) {
      const obj = fake.secrets.get(name) ?? { versions: [] };
      obj.versions.push({ id: randomUUID().replace(/-/g, ""), value, tags, enabled: true });
      fake.secrets.set(name, obj);
    },
  } as unknown as AzureKVFake;

  let base = "";
  const secretBundle = (name: string, v: KvObject["versions"][number]) => ({
    value: v.value,
    id: `${base}/secrets/${name}/${v.id}`,
    attributes: { enabled: v.enabled, created: 1700000000, updated: 1700000000, recoveryLevel: "Recoverable" },
    tags: v.tags,
  });

  function aad(req: IncomingMessage, res: ServerResponse, parts: string[], body: string) {
    const tenant = parts[0];
    if (parts[1] === "v2.0" && parts.at(-1) === "openid-configuration") {
      const t = `${base}/${tenant}`;
      return send(res, 200, {
        token_endpoint: `${t}/oauth2/v2.0/token`,
        issuer: `${t}/v2.0`,
        authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
        jwks_uri: `${t}/discovery/v2.0/keys`,
        end_session_endpoint: `${t}/oauth2/v2.0/logout`,
      });
    }
    if (parts[1] === "oauth2" && parts[3] === "token" && req.method === "POST") {
      const form = new URLSearchParams(body);
      const deny = (desc: string) => send(res, 401, { error: "invalid_client", error_description: desc });
      if (tenant !== fake.tenantId)
        return send(res, 400, { error: "invalid_tenant", error_description: "AADSTS90002: Tenant not found." });
      const client = fake.clients.get(form.get("client_id") ?? "");
      if (!client)
        return send(res, 400, {
          error: "unauthorized_client",
          error_description: "AADSTS700016: Application not found.",
        });
      const assertion = form.get("client_assertion") ?? "";
      let ok = false;
      if ("secret" in client) ok = form.get("client_secret") === client.secret;
      else if ("certificatePem" in client) ok = verifyCertAssertion(assertion, client.certificatePem);
      else ok = client.federated(assertion);
      if (!ok) return deny("AADSTS7000215: Invalid client credentials provided.");
      return send(res, 200, {
        token_type: "Bearer",
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: issue(form.get("scope") ?? ""),
      });
    }
    return kvError(res, 404, "NotFound", "unknown endpoint");
  }

  function vault(req: IncomingMessage, res: ServerResponse, parts: string[], body: string) {
    const auth = req.headers.authorization ?? "";
    const challenge = {
      "www-authenticate": `Bearer authorization="${base}/${fake.tenantId}", resource="${fake.resource}"`,
    };
    if (!auth.startsWith("Bearer ") || !tokens.has(auth.slice(7))) {
      return kvError(res, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", challenge);
    }
    if (tokens.get(auth.slice(7)) !== resourceOf(fake.resource)) {
      return kvError(res, 401, "Unauthorized", "AKV10022: Invalid audience.", challenge);
    }
    const [kind, name, version] = parts;
    if (kind === "secrets" && !name && req.method === "GET") {
      const value = [...fake.secrets.entries()].map(([n, o]) => {
        const v = o.versions.at(-1)!;
        return { id: `${base}/secrets/${n}`, attributes: { enabled: v.enabled }, tags: v.tags };
      });
      return send(res, 200, { value, nextLink: null });
    }
    if (kind === "secrets" && name && req.method === "PUT") {
      const b = JSON.parse(body) as { value: string; tags?: Record<string, string> };
      fake.setSecret(name, b.value, b.tags ?? {});
      return send(res, 200, secretBundle(name, fake.secrets.get(name)!.versions.at(-1)!));
    }
    if (kind === "secrets" && name && req.method === "DELETE") {
      const o = fake.secrets.get(name);
      if (!o)
        return kvError(res, 404, "SecretNotFound", `A secret with (name/id) ${name} was not found in this key vault.`);
      fake.secrets.delete(name);
      return send(res, 200, {
        ...secretBundle(name, o.versions.at(-1)!),
        recoveryId: `${base}/deletedsecrets/${name}`,
      });
    }
    if (kind === "secrets" && name) {
      const o = fake.secrets.get(name);
      const v = version ? o?.versions.find((x) => x.id === version) : o?.versions.at(-1);
      if (!v)
        return kvError(res, 404, "SecretNotFound", `A secret with (name/id) ${name} was not found in this key vault.`);
      return send(res, 200, secretBundle(name, v));
    }
    if (kind === "deletedsecrets" && name) {
      return send(res, 200, {
        id: `${base}/secrets/${name}`,
        recoveryId: `${base}/deletedsecrets/${name}`,
        attributes: {},
      });
    }
    if (kind === "keys" && name) {
      const k = fake.keys.get(name);
      if (!k) return kvError(res, 404, "KeyNotFound", `A key with (name/id) ${name} was not found in this key vault.`);
      return send(res, 200, {
        key: { kid: `${base}/keys/${name}/v1`, ...k.jwk },
        attributes: { enabled: true },
        tags: k.tags,
      });
    }
    if (kind === "certificates" && name) {
      const c = fake.certificates.get(name);
      if (!c) return kvError(res, 404, "CertificateNotFound", `A certificate with (name/id) ${name} was not found.`);
      return send(res, 200, {
        id: `${base}/certificates/${name}/v1`,
        kid: `${base}/keys/${name}/v1`,
        sid: `${base}/secrets/${name}/v1`,
        cer: c.derBase64,
        attributes: { enabled: true },
        tags: c.tags,
      });
    }
    return kvError(res, 404, "NotFound", "unknown endpoint");
  }

  const server = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, async (req, res) => {
    const u = new URL(req.url ?? "/", "https://127.0.0.1");
    const parts = u.pathname.split("/").filter(Boolean);
    const body = await readBody(req);
    const isVault = ["secrets", "deletedsecrets", "keys", "certificates"].includes(parts[0] ?? "");
    fake.requests.push(`${req.method} ${u.pathname}`);
    if (isVault && req.headers.authorization) {
      const fault = fake.faults.shift();
      if (fault !== undefined) {
        const headers: Record<string, string> = fault === 429 || fault === 503 ? { "retry-after": "0" } : {};
        return kvError(res, fault, fault === 429 ? "Throttled" : "Fault", `injected ${fault}`, headers);
      }
    }
    if (isVault) return vault(req, res, parts, body);
    return aad(req, res, parts, body);
  });

  const imds = createHttpServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.headers.metadata !== "true")
      return send(res, 400, { error: "invalid_request", error_description: "Required metadata header not specified" });
    const id =
      u.searchParams.get("client_id") ??
      u.searchParams.get("msi_res_id") ??
      u.searchParams.get("object_id") ??
      "system";
    const selector = ["client_id", "msi_res_id", "object_id"].find((p) => u.searchParams.has(p));
    fake.imdsSelectors.push(selector ? `${selector}=${id}` : "system");
    if (!fake.managedIdentities.has(id)) {
      return send(res, 400, { error: "invalid_request", error_description: "Identity not found" });
    }
    const now = Math.floor(Date.now() / 1000);
    send(res, 200, {
      access_token: issue(u.searchParams.get("resource") ?? ""),
      expires_in: "3599",
      expires_on: String(now + 3599),
      resource: u.searchParams.get("resource"),
      token_type: "Bearer",
      client_id: id,
    });
  });

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => imds.listen(0, "127.0.0.1", r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, {
    url: base,
    imdsUrl: `http://127.0.0.1:${(imds.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      imds.closeAllConnections();
      await Promise.all([
        new Promise<void>((r) => server.close(() => r())),
        new Promise<void>((r) => imds.close(() => r())),
      ]);
    },
  });
}
