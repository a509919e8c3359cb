/**
 * A loopback HashiCorp Vault / OpenBao server for provider tests, following Vault's documented JSON API:
 * X-Vault-Token / X-Vault-Namespace headers, the LIST method (and ?list=true), KV v1 and KV v2 (data,
 * metadata, versions, custom_metadata, check-and-set), a dynamic `database/creds/<role>` engine, token
 * lookup/renew/revoke, and the login endpoints of the auth methods ESO uses. HTTPS with client-certificate
 * auth when given a key pair. Every request is recorded; faults (status, delay, errors that quote the request
 * body back) can be queued per path.
 */
import { createSign, createVerify, generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import forge from "node-forge";

export interface VaultTokenInfo {
  policies: string[];
  ttl: number;
  renewable: boolean;
  issuedAt: number;
  /** Path prefixes this token may touch; undefined = everything. */
  allow?: string[];
  namespace?: string;
  type?: "service" | "batch";
  /** Cap on renewals: renew-self never extends past issuedAt + maxTtl. */
  maxTtl?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: any;
  clientCertCN?: string;
}

export interface Fault {
  status?: number;
  body?: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
  /** Answer with Vault-style errors that quote every request body field back, as Vault's validation does. */
  echoBody?: boolean;
}

/** `1 error occurred: * invalid value "<v>" for field "<k>"` per field, nested values as JSON. */
function echoErrors(body: unknown): string[] {
  const fields = body && typeof body === "object" ? Object.entries(body as Record<string, unknown>) : [];
  return fields.map(
    ([k, v]) =>
      `1 error occurred:\n\t* invalid value ${typeof v === "string" ? v : JSON.stringify(v)} for field "${k}"`,
  );
}

interface KvVersion {
  data: Record<string, unknown> | null;
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

interface KvEntry {
  versions: Map<number, KvVersion>;
  current: number;
  custom_metadata: Record<string, string> | null;
  created_time: string;
}

interface Mount {
  type: "kv" | "database" | "aws";
  version: 1 | 2;
  /** KV v2 config cas_required: every data write must carry options.cas. */
  casRequired?: boolean;
  kv1: Map<string, Record<string, unknown>>;
  kv2: Map<string, KvEntry>;
  roles: Map<string, { ttl: number; roleArns?: string[] }>;
}

export type LoginCheck = (
  body: any,
  req: RecordedRequest,
) => { ok: boolean; policies?: string[]; allow?: string[]; error?: string };

interface AuthMount {
  type: string;
  check: LoginCheck;
  ttl: number;
  renewable: boolean;
}

export interface TestPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

function makeCert(
  cn: string,
  keys: forge.pki.rsa.KeyPair,
  issuer: { cert?: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
  opts: { ca?: boolean; server?: boolean },
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `0${Math.floor(Math.random() * 1e12).toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: "commonName", value: cn }]);
  cert.setIssuer(issuer.cert ? issuer.cert.subject.attributes : [{ name: "commonName", value: cn }]);
  const ext: any[] = [{ name: "basicConstraints", cA: !!opts.ca }];
  if (opts.ca) ext.push({ name: "keyUsage", keyCertSign: true, digitalSignature: true, cRLSign: true });
  else {
    ext.push({ name: "keyUsage", digitalSignature: true, keyEncipherment: true });
    ext.push({ name: "extKeyUsage", serverAuth: !!opts.server, clientAuth: !opts.server });
  }
  if (opts.server) ext.push({ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] });
  cert.setExtensions(ext);
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, all PEM. */
export function makeTestPki(): TestPki {
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = makeCert("eso-test-ca", caKeys, { key: caKeys.privateKey }, { ca: true });
  const srvKeys = forge.pki.rsa.generateKeyPair(2048);
  const srv = makeCert("127.0.0.1", srvKeys, { cert: ca, key: caKeys.privateKey }, { server: true });
  const cliKeys = forge.pki.rsa.generateKeyPair(2048);
  const cli = makeCert("eso-client", cliKeys, { cert: ca, key: caKeys.privateKey }, {});
  return {
    caPem: forge.pki.certificateToPem(ca),
    serverCertPem: forge.pki.certificateToPem(srv),
    serverKeyPem: forge.pki.privateKeyToPem(srvKeys.privateKey),
    clientCertPem: forge.pki.certificateToPem(cli),
    clientKeyPem: forge.pki.privateKeyToPem(cliKeys.privateKey),
  };
}

export interface FakeVaultOptions {
  tls?: TestPki;
  /** With tls: refuse the TLS handshake of a client without a certificate signed by the test CA (mTLS). */
  requireClientCert?: boolean;
  /** When set, every request must carry this X-Vault-Namespace (auth may use authNamespace). */
  namespace?: string;
  authNamespace?: string;
}

export class FakeVault {
  readonly requests: RecordedRequest[] = [];
  private readonly tokens = new Map<string, VaultTokenInfo>();
  private readonly mounts = new Map<string, Mount>();
  private readonly auths = new Map<string, AuthMount>();
  private readonly faults: { match: (r: RecordedRequest) => boolean; fault: Fault; remaining: number }[] = [];
  private server!: http.Server;
  private index = 0;
  /** Lease IDs handed out by dynamic engines, and those revoked through sys/leases/revoke. */
  readonly leases = new Set<string>();
  readonly revokedLeases: string[] = [];
  /** Token accessors issued by auth/token/create (accessor -> token). */
  private readonly accessors = new Map<string, string>();
  url = "";

  constructor(private readonly opts: FakeVaultOptions = {}) {}

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err) => this.send(res, 500, { errors: [String(err)] }));
    };
    if (this.opts.tls) {
      this.server = https.createServer(
        {
          key: this.opts.tls.serverKeyPem,
          cert: this.opts.tls.serverCertPem,
          ca: this.opts.tls.caPem,
          requestCert: true,
          rejectUnauthorized: !!this.opts.requireClientCert,
        },
        handler,
      );
    } else {
      this.server = http.createServer(handler);
    }
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `${this.opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- setup ----

  addToken(token: string, info: Partial<VaultTokenInfo> = {}): this {
    this.tokens.set(token, {
      policies: ["default"],
      ttl: 0,
      renewable: false,
      issuedAt: Date.now(),
      ...info,
    });
    return this;
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  mountKv(path: string, version: 1 | 2, opts: { casRequired?: boolean } = {}): this {
    this.mounts.set(path, {
      type: "kv",
      version,
      casRequired: opts.casRequired,
      kv1: new Map(),
      kv2: new Map(),
      roles: new Map(),
    });
    return this;
  }

  mountDatabase(path: string, roles: Record<string, { ttl: number }>): this {
    this.mounts.set(path, {
      type: "database",
      version: 1,
      kv1: new Map(),
      kv2: new Map(),
      roles: new Map(Object.entries(roles)),
    });
    return this;
  }

  /**
   * The AWS secrets engine's assumed_role credentials: GET <mount>/creds/<role> (or sts/<role>) with optional
   * query parameters role_arn (required when the role allows several) and ttl (seconds, default the role's).
   */
  mountAws(path: string, roles: Record<string, { ttl: number; roleArns: string[] }>): this {
    this.mounts.set(path, {
      type: "aws",
      version: 1,
      kv1: new Map(),
      kv2: new Map(),
      roles: new Map(Object.entries(roles)),
    });
    return this;
  }

  enableAuth(path: string, type: string, check: LoginCheck, ttl = 3600, renewable = true): this {
    this.auths.set(path, { type, check, ttl, renewable });
    return this;
  }

  /**
   * Vault's cert auth method at `path`: login needs a client certificate verified against the test CA; `name`
   * in the body restricts matching to that role (else every role is tried), each role allowing common names.
   */
  enableCertAuth(path: string, roles: Record<string, { allowedCommonNames: string[]; policies?: string[] }>): this {
    return this.enableAuth(path, "cert", (body, req) => {
      if (!req.clientCertCN) return { ok: false, error: "client certificate must be supplied" };
      const candidates = body?.name ? [String(body.name)] : Object.keys(roles);
      for (const name of candidates) {
        const role = roles[name];
        if (role?.allowedCommonNames.includes(req.clientCertCN)) return { ok: true, policies: role.policies };
      }
      return { ok: false, error: "invalid certificate or no client certificate supplied" };
    });
  }

  /** Public keys (PEM by key id) Vault's gcp auth trusts for JWT signatures, as Google publishes them. */
  private readonly googleKeys = new Map<string, string>();

  trustGoogleKey(kid: string, publicKeyPem: string): this {
    this.googleKeys.set(kid, publicKeyPem);
    return this;
  }

  /**
   * Vault's gcp auth method at `path`: login takes `role` and a signed `jwt`. iam roles want `aud` "vault/<role>",
   * `sub` one of the bound service accounts and an `exp` at most 15 minutes away (max_jwt_exp); gce roles want an
   * instance identity token (format=full) whose audience ends in "vault/<role>" and whose `email` is bound.
   */
  enableGcpAuth(
    path: string,
    roles: Record<string, { type: "iam" | "gce"; boundServiceAccounts: string[]; policies?: string[] }>,
  ): this {
    return this.enableAuth(path, "gcp", (body) => {
      const role = roles[String(body?.role ?? "")];
      if (!role) return { ok: false, error: `role "${String(body?.role ?? "")}" not found` };
      const claims = verifyRs256(String(body?.jwt ?? ""), this.googleKeys);
      if (!claims) return { ok: false, error: "unable to verify JWT signature" };
      const now = Date.now() / 1000;
      if (typeof claims.exp !== "number" || claims.exp < now)
        return { ok: false, error: "JWT is expired or has no exp" };
      const aud = String(claims.aud ?? "");
      if (role.type === "iam") {
        if (claims.exp - now > 15 * 60) return { ok: false, error: "JWT expires too far in the future (max_jwt_exp)" };
        if (aud !== `vault/${body.role}`) return { ok: false, error: "invalid audience in JWT" };
        if (!role.boundServiceAccounts.includes(String(claims.sub))) {
          return { ok: false, error: "service account not authorized for role" };
        }
      } else {
        if (!aud.endsWith(`vault/${body.role}`)) return { ok: false, error: "invalid audience in JWT" };
        if (!claims.google?.compute_engine) return { ok: false, error: "JWT is not a GCE instance identity token" };
        if (!role.boundServiceAccounts.includes(String(claims.email))) {
          return { ok: false, error: "service account not authorized for role" };
        }
      }
      return { ok: true, policies: role.policies };
    });
  }

  /** Writes a KV secret directly (a new version on KV v2). */
  putSecret(mount: string, path: string, data: Record<string, unknown>, customMetadata?: Record<string, string>): this {
    const m = this.mustMount(mount);
    if (m.version === 1) {
      m.kv1.set(path, data);
      return this;
    }
    const entry = this.kv2Entry(m, path, true)!;
    entry.current += 1;
    entry.versions.set(entry.current, { data, created_time: now(), deletion_time: "", destroyed: false });
    if (customMetadata) entry.custom_metadata = { ...customMetadata };
    return this;
  }

  getSecretData(mount: string, path: string, version?: number): Record<string, unknown> | null | undefined {
    const m = this.mustMount(mount);
    if (m.version === 1) return m.kv1.get(path);
    const entry = m.kv2.get(path);
    if (!entry) return undefined;
    return entry.versions.get(version ?? entry.current)?.data;
  }

  getMetadata(
    mount: string,
    path: string,
  ): { custom_metadata: Record<string, string> | null; current: number } | undefined {
    const entry = this.mustMount(mount).kv2.get(path);
    return entry ? { custom_metadata: entry.custom_metadata, current: entry.current } : undefined;
  }

  /** Queue a fault for the next `times` requests whose path starts with `pathPrefix` (and method, if given). */
  fault(pathPrefix: string, fault: Fault, times = 1, method?: string): this {
    this.faults.push({
      match: (r) => r.path.startsWith(pathPrefix) && (!method || r.method === method),
      fault,
      remaining: times,
    });
    return this;
  }

  /** Drops every queued fault (the server is healthy again). */
  clearFaults(): this {
    this.faults.length = 0;
    return this;
  }

  count(pathPrefix: string, method?: string): number {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix) && (!method || r.method === method)).length;
  }

  logins(): number {
    return this.requests.filter((r) => /^auth\/.+\/login(\/|$)/.test(r.path)).length;
  }

  // ---- request handling ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.send(res, 400, { errors: ["failed to parse JSON input"] });
    }
    let method = (req.method ?? "GET").toUpperCase();
    if (method === "GET" && url.searchParams.get("list") === "true") method = "LIST";
    if (!url.pathname.startsWith("/v1/")) return this.send(res, 404, { errors: [] });
    const path = url.pathname.slice(4);
    let clientCertCN: string | undefined;
    const sock = req.socket as TLSSocket;
    if (typeof sock.getPeerCertificate === "function") {
      const peer = sock.getPeerCertificate();
      if (peer?.subject && sock.authorized) clientCertCN = String(peer.subject.CN);
    }
    const rec: RecordedRequest = { method, path, query: url.searchParams, headers: req.headers, body, clientCertCN };
    this.requests.push(rec);

    const f = this.faults.find((x) => x.remaining > 0 && x.match(rec));
    if (f) {
      f.remaining--;
      if (f.fault.delayMs) await new Promise((r) => setTimeout(r, f.fault.delayMs));
      if (f.fault.status) {
        for (const [k, v] of Object.entries(f.fault.headers ?? {})) res.setHeader(k, v);
        const answer = f.fault.echoBody ? { errors: echoErrors(rec.body) } : f.fault.body;
        return this.send(res, f.fault.status, answer ?? { errors: ["injected fault"] });
      }
    }

    if (method === "PUT" || method === "POST" || method === "DELETE") {
      this.index++;
      res.setHeader("X-Vault-Index", `idx-${this.index}`);
    }

    const ns = req.headers["x-vault-namespace"];
    if (path.startsWith("auth/") && !path.startsWith("auth/token/")) {
      const want = this.opts.authNamespace ?? this.opts.namespace;
      if (want && ns !== want) return this.send(res, 403, { errors: ["permission denied"] });
      return this.login(rec, res);
    }
    if (this.opts.namespace && ns !== this.opts.namespace) {
      return this.send(res, 403, { errors: ["permission denied"] });
    }

    const tokenId = String(req.headers["x-vault-token"] ?? "");
    const token = this.validToken(tokenId);
    if (!token) return this.send(res, 403, { errors: ["permission denied"] });

    if (path === "auth/token/lookup-self") return this.lookupSelf(tokenId, token, res);
    if (path === "auth/token/renew-self") return this.renewSelf(tokenId, token, res, body);
    if (path === "auth/token/revoke-self") {
      this.tokens.delete(tokenId);
      return this.send(res, 204);
    }
    if (path === "auth/token/create" && (method === "POST" || method === "PUT")) return this.createToken(body, res);
    if (path === "auth/token/revoke-accessor" && (method === "POST" || method === "PUT")) {
      const id = this.accessors.get(String(body?.accessor ?? ""));
      if (!id) return this.send(res, 400, { errors: ["invalid accessor"] });
      this.tokens.delete(id);
      this.accessors.delete(String(body.accessor));
      return this.send(res, 204);
    }
    if (path === "sys/leases/revoke" && (method === "PUT" || method === "POST")) {
      const lease = String(body?.lease_id ?? "");
      if (!this.leases.delete(lease)) return this.send(res, 400, { errors: ["invalid lease"] });
      this.revokedLeases.push(lease);
      return this.send(res, 204);
    }
    const uiMount = /^sys\/internal\/ui\/mounts\/(.+?)\/?$/.exec(path);
    if (uiMount && method === "GET") {
      // Mount information for any token (as the UI and SDK preflight checks read it).
      const m = this.mounts.get(uiMount[1]!);
      if (!m) return this.send(res, 404, { errors: [] });
      const options = m.type === "kv" ? { version: String(m.version) } : null;
      return this.send(res, 200, { data: { path: `${uiMount[1]}/`, type: m.type, options } });
    }
    if (token.allow && !token.allow.some((p) => path.startsWith(p))) {
      return this.send(res, 403, { errors: ["1 error occurred:\n\t* permission denied\n\n"] });
    }
    const mountPath = [...this.mounts.keys()]
      .sort((a, b) => b.length - a.length)
      .find((m) => path === m || path.startsWith(`${m}/`));
    if (!mountPath) return this.send(res, 404, { errors: [`no handler for route "${path}"`] });
    const mount = this.mounts.get(mountPath)!;
    const rest = path.slice(mountPath.length + 1);
    if (mount.type === "database") return this.database(mount, rest, method, res);
    if (mount.type === "aws") return this.awsCreds(mount, rest, method, url.searchParams, res);
    if (mount.version === 1) return this.kv1(mount, rest, method, body, res);
    return this.kv2(mount, rest, method, body, url.searchParams, res);
  }

  private validToken(id: string): VaultTokenInfo | undefined {
    const t = this.tokens.get(id);
    if (!t) return undefined;
    if (t.ttl > 0 && Date.now() > t.issuedAt + t.ttl * 1000) {
      this.tokens.delete(id);
      return undefined;
    }
    return t;
  }

  private remainingTtl(t: VaultTokenInfo): number {
    if (t.ttl === 0) return 0;
    return Math.max(0, Math.floor((t.issuedAt + t.ttl * 1000 - Date.now()) / 1000));
  }

  private lookupSelf(id: string, t: VaultTokenInfo, res: ServerResponse) {
    const ttl = this.remainingTtl(t);
    this.send(res, 200, {
      data: {
        id,
        policies: t.policies,
        ttl,
        renewable: t.renewable,
        type: t.type ?? "service",
        expire_time: t.ttl === 0 ? null : new Date(t.issuedAt + t.ttl * 1000).toISOString(),
      },
    });
  }

  private renewSelf(id: string, t: VaultTokenInfo, res: ServerResponse, body: any) {
    if (!t.renewable) return this.send(res, 400, { errors: ["lease is not renewable"] });
    const increment = Number(body?.increment ?? 0) || 3600;
    const elapsed = (Date.now() - t.issuedAt) / 1000;
    let ttl = increment;
    if (t.maxTtl) ttl = Math.min(increment, Math.max(0, t.maxTtl - elapsed));
    t.ttl = Math.floor(elapsed + ttl);
    this.send(res, 200, {
      auth: { client_token: id, policies: t.policies, lease_duration: Math.floor(ttl), renewable: t.renewable },
    });
  }

  private login(rec: RecordedRequest, res: ServerResponse) {
    const m = /^auth\/(.+)\/login(?:\/([^/]+))?$/.exec(rec.path);
    if (!m || (rec.method !== "POST" && rec.method !== "PUT")) return this.send(res, 404, { errors: [] });
    const auth = this.auths.get(m[1]!);
    if (!auth) return this.send(res, 400, { errors: [`no handler for route "${rec.path}"`] });
    const body = { ...(rec.body ?? {}) };
    if (m[2]) body.username = decodeURIComponent(m[2]);
    const result = auth.check(body, rec);
    if (!result.ok) return this.send(res, 400, { errors: [result.error ?? "invalid credentials"] });
    const token = `hvs.${randomUUID().replace(/-/g, "")}`;
    const policies = result.policies ?? ["default"];
    this.addToken(token, { policies, ttl: auth.ttl, renewable: auth.renewable, allow: result.allow });
    this.send(res, 200, {
      auth: {
        client_token: token,
        accessor: randomUUID(),
        policies,
        token_policies: policies,
        lease_duration: auth.ttl,
        renewable: auth.renewable,
      },
    });
  }

  private createToken(body: any, res: ServerResponse) {
    const token = `hvs.${randomUUID().replace(/-/g, "")}`;
    const accessor = randomUUID();
    const policies: string[] = Array.isArray(body?.policies) ? body.policies.map(String) : ["default"];
    const ttl = Number.parseInt(String(body?.ttl ?? "3600"), 10) || 3600;
    this.addToken(token, { policies, ttl, renewable: body?.renewable !== false });
    this.accessors.set(accessor, token);
    this.send(res, 200, {
      auth: { client_token: token, accessor, policies, token_policies: policies, lease_duration: ttl, renewable: true },
    });
  }

  private database(mount: Mount, rest: string, method: string, res: ServerResponse) {
    const m = /^creds\/(.+)$/.exec(rest);
    const role = m ? mount.roles.get(m[1]!) : undefined;
    if (!role || method !== "GET") return this.send(res, 404, { errors: [] });
    const leaseId = `database/creds/${m![1]}/${randomUUID()}`;
    this.leases.add(leaseId);
    this.send(res, 200, {
      lease_id: leaseId,
      lease_duration: role.ttl,
      renewable: true,
      data: { username: `v-${m![1]}-${randomUUID().slice(0, 8)}`, password: randomUUID() },
    });
  }

  private awsCreds(mount: Mount, rest: string, method: string, q: URLSearchParams, res: ServerResponse) {
    const m = /^(?:creds|sts)\/(.+)$/.exec(rest);
    const role = m ? mount.roles.get(m[1]!) : undefined;
    if (!role || method !== "GET") return this.send(res, 404, { errors: [] });
    const arns = role.roleArns ?? [];
    const arn = q.get("role_arn") ?? (arns.length === 1 ? arns[0] : undefined);
    if (!arn) return this.send(res, 400, { errors: ["role_arn is required for roles with more than one ARN"] });
    if (!arns.includes(arn)) return this.send(res, 400, { errors: [`role_arn "${arn}" is not allowed`] });
    const ttl = q.has("ttl") ? Number.parseInt(q.get("ttl")!, 10) : role.ttl;
    const leaseId = `aws/creds/${m![1]}/${randomUUID()}`;
    this.leases.add(leaseId);
    this.send(res, 200, {
      lease_id: leaseId,
      lease_duration: ttl,
      renewable: false,
      data: { access_key: `ASIA${randomUUID().slice(0, 12)}`, secret_key: randomUUID(), security_token: "tok", arn },
    });
  }

  private kv1(mount: Mount, path: string, method: string, body: any, res: ServerResponse) {
    switch (method) {
      case "GET": {
        const d = mount.kv1.get(path);
        if (!d) return this.send(res, 404, { errors: [] });
        return this.send(res, 200, { data: d, lease_duration: 2764800 });
      }
      case "PUT":
      case "POST":
        mount.kv1.set(path, body ?? {});
        return this.send(res, 204);
      case "DELETE":
        mount.kv1.delete(path);
        return this.send(res, 204);
      case "LIST":
        return this.list([...mount.kv1.keys()], path, res);
      default:
        return this.send(res, 405, { errors: [] });
    }
  }

  private list(all: string[], prefix: string, res: ServerResponse) {
    const p = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
    const keys = new Set<string>();
    for (const k of all) {
      if (!k.startsWith(p)) continue;
      const rest = k.slice(p.length);
      const slash = rest.indexOf("/");
      keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    if (keys.size === 0) return this.send(res, 404, { errors: [] });
    this.send(res, 200, { data: { keys: [...keys].sort() } });
  }

  private kv2Entry(mount: Mount, path: string, create: boolean): KvEntry | undefined {
    let e = mount.kv2.get(path);
    if (!e && create) {
      e = { versions: new Map(), current: 0, custom_metadata: null, created_time: now() };
      mount.kv2.set(path, e);
    }
    return e;
  }

  private kv2(mount: Mount, rest: string, method: string, body: any, q: URLSearchParams, res: ServerResponse) {
    const slash = rest.indexOf("/");
    const op = slash === -1 ? rest : rest.slice(0, slash);
    const path = slash === -1 ? "" : rest.slice(slash + 1);
    if (op === "data") {
      if (method === "GET") {
        const e = mount.kv2.get(path);
        if (!e) return this.send(res, 404, { errors: [] });
        const v = Number(q.get("version") ?? 0) || e.current;
        const ver = e.versions.get(v);
        if (!ver) return this.send(res, 404, { errors: [] });
        const metadata = {
          created_time: ver.created_time,
          custom_metadata: e.custom_metadata,
          deletion_time: ver.deletion_time,
          destroyed: ver.destroyed,
          version: v,
        };
        if (ver.data === null) return this.send(res, 404, { data: { data: null, metadata } });
        return this.send(res, 200, { data: { data: ver.data, metadata } });
      }
      if (method === "PUT" || method === "POST") {
        const e = mount.kv2.get(path);
        const cas = body?.options?.cas;
        if (cas === undefined && mount.casRequired) {
          return this.send(res, 400, { errors: ["check-and-set parameter required for this call"] });
        }
        if (cas !== undefined && Number(cas) !== (e?.current ?? 0)) {
          return this.send(res, 400, {
            errors: ["check-and-set parameter did not match the current version"],
          });
        }
        const entry = this.kv2Entry(mount, path, true)!;
        entry.current += 1;
        entry.versions.set(entry.current, {
          data: body?.data ?? {},
          created_time: now(),
          deletion_time: "",
          destroyed: false,
        });
        return this.send(res, 200, {
          data: { created_time: now(), custom_metadata: entry.custom_metadata, version: entry.current },
        });
      }
      if (method === "DELETE") {
        const e = mount.kv2.get(path);
        const ver = e?.versions.get(e.current);
        if (ver) {
          ver.data = null;
          ver.deletion_time = now();
        }
        return this.send(res, 204);
      }
    }
    if (op === "metadata") {
      if (method === "LIST") return this.list([...mount.kv2.keys()], path, res);
      if (method === "GET") {
        const e = mount.kv2.get(path);
        if (!e) return this.send(res, 404, { errors: [] });
        const versions: Record<string, unknown> = {};
        for (const [n, v] of e.versions) {
          versions[String(n)] = {
            created_time: v.created_time,
            deletion_time: v.deletion_time,
            destroyed: v.destroyed,
          };
        }
        return this.send(res, 200, {
          data: {
            cas_required: false,
            created_time: e.created_time,
            current_version: e.current,
            custom_metadata: e.custom_metadata,
            delete_version_after: "0s",
            max_versions: 0,
            oldest_version: 1,
            updated_time: now(),
            versions,
          },
        });
      }
      if (method === "PUT" || method === "POST") {
        const e = this.kv2Entry(mount, path, true)!;
        if (body?.custom_metadata !== undefined) e.custom_metadata = body.custom_metadata;
        return this.send(res, 204);
      }
      if (method === "DELETE") {
        mount.kv2.delete(path);
        return this.send(res, 204);
      }
    }
    this.send(res, 405, { errors: [] });
  }

  private mustMount(path: string): Mount {
    const m = this.mounts.get(path);
    if (!m) throw new Error(`no mount ${path}`);
    return m;
  }

  private send(res: ServerResponse, status: number, body?: unknown) {
    if (status === 204 || body === undefined) {
      res.writeHead(status === 200 ? 204 : status);
      res.end();
      return;
    }
    const payload = JSON.stringify(
      typeof body === "object" && body !== null && !("errors" in body)
        ? { request_id: randomUUID(), lease_id: "", renewable: false, lease_duration: 0, wrap_info: null, ...body }
        : body,
    );
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(payload);
  }
}

function now(): string {
  return new Date().toISOString();
}

/** Claims of an RS256 JWT whose `kid` names one of `keys` and whose signature verifies; undefined otherwise. */
export function verifyRs256(jwt: string, keys: Map<string, string>): any {
  const [h, p, sig] = jwt.split(".");
  if (!h || !p || !sig) return undefined;
  try {
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    const key = keys.get(String(header.kid ?? ""));
    if (header.alg !== "RS256" || !key) return undefined;
    const ok = createVerify("RSA-SHA256").update(`${h}.${p}`).verify(key, sig, "base64url");
    return ok ? JSON.parse(Buffer.from(p, "base64url").toString("utf8")) : undefined;
  } catch {
    return undefined;
  }
}

export function signRs256(claims: unknown, key: KeyObject, kid: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = `${b64({ alg: "RS256", typ: "JWT", kid })}.${b64(claims)}`;
  return `${unsigned}.${createSign("RSA-SHA256").update(unsigned).sign(key, "base64url")}`;
}

/** A fresh RSA key pair as a Google service account key file, plus its public key for Vault to trust. */
export function makeServiceAccountKey(email: string): { json: string; kid: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomUUID().replace(/-/g, "");
  const json = JSON.stringify({
    type: "service_account",
    client_email: email,
    private_key_id: kid,
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
  });
  return { json, kid, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

export interface FakeGoogleOptions {
  /** Verifies a Kubernetes ServiceAccount token: its subject and audiences, or undefined. */
  verifyKubeToken: (token: string) => { sub: string; aud: string[] } | undefined;
  /** GKE workload identity pool, "<project>.svc.id.goog". */
  pool: string;
  /** Google service account -> Kubernetes subjects allowed to act as it (roles/iam.workloadIdentityUser). */
  bindings?: Record<string, string[]>;
  /** The instance's default service account (the GCE metadata identity); none = not on GCE. */
  gceServiceAccount?: string;
  /** Instance attributes the metadata server serves (cluster-name, cluster-location). */
  attributes?: Record<string, string>;
}

/**
 * The Google endpoints Vault's gcp auth needs, on loopback: STS token exchange, IAM Credentials signJwt and the
 * GCE metadata server (identity tokens, attributes). Tokens and JWTs are signed with one key, `kid`/`publicKeyPem`.
 */
export class FakeGoogle {
  readonly requests: { method: string; path: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  readonly kid = randomUUID().replace(/-/g, "");
  readonly publicKeyPem: string;
  private readonly privateKey: KeyObject;
  /** Federated access token -> Kubernetes subject. */
  private readonly federated = new Map<string, string>();
  private server!: http.Server;
  url = "";

  constructor(private readonly opts: FakeGoogleOptions) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => json(res, 500, { error: "internal" }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    this.requests.push({ method: req.method ?? "GET", path: url.pathname, headers: req.headers, body });
    const now = Math.floor(Date.now() / 1000);

    if (url.pathname.startsWith("/computeMetadata/v1/")) {
      if (req.headers["metadata-flavor"] !== "Google") return text(res, 403, "Missing Metadata-Flavor:Google header");
      const attr = /^\/computeMetadata\/v1\/instance\/attributes\/(.+)$/.exec(url.pathname);
      if (attr) {
        const v = this.opts.attributes?.[attr[1]!];
        return v === undefined ? text(res, 404, "not found") : text(res, 200, v);
      }
      if (url.pathname === "/computeMetadata/v1/instance/service-accounts/default/identity") {
        const audience = url.searchParams.get("audience");
        if (!this.opts.gceServiceAccount) return text(res, 404, "not found");
        if (!audience) return text(res, 400, "non-empty audience parameter required");
        const claims: Record<string, unknown> = {
          iss: "https://accounts.google.com",
          aud: audience,
          sub: "1234567890",
          email: this.opts.gceServiceAccount,
          iat: now,
          exp: now + 3600,
        };
        if (url.searchParams.get("format") === "full") {
          claims.google = { compute_engine: { project_id: "p", zone: "z", instance_id: "1", instance_name: "n" } };
        }
        return text(res, 200, signRs256(claims, this.privateKey, this.kid));
      }
      return text(res, 404, "not found");
    }

    if (url.pathname === "/v1/token" && req.method === "POST") {
      const form = new URLSearchParams(body);
      const claims = this.opts.verifyKubeToken(form.get("subject_token") ?? "");
      const audience = form.get("audience") ?? "";
      if (!claims?.aud.includes(this.opts.pool) || !audience.startsWith(`identitynamespace:${this.opts.pool}:`)) {
        return json(res, 400, { error: "invalid_grant", error_description: "The token is invalid" });
      }
      const token = `ya29.fed-${randomUUID()}`;
      this.federated.set(token, claims.sub);
      return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
    }

    const sign = /^\/v1\/projects\/-\/serviceAccounts\/(.+):signJwt$/.exec(url.pathname);
    if (sign && req.method === "POST") {
      const email = decodeURIComponent(sign[1]!);
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
      const subject = this.federated.get(bearer);
      if (!subject) return json(res, 401, { error: { code: 401, status: "UNAUTHENTICATED" } });
      if (!this.opts.bindings?.[email]?.includes(subject)) {
        return json(res, 403, { error: { code: 403, status: "PERMISSION_DENIED" } });
      }
      const payload = JSON.parse(JSON.parse(body).payload);
      return json(res, 200, { keyId: this.kid, signedJwt: signRs256(payload, this.privateKey, this.kid) });
    }
    json(res, 404, { error: { code: 404, status: "NOT_FOUND" } });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "text/plain" });
  res.end(body);
}
