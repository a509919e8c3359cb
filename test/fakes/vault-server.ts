/**
 * A loopback HashiCorp Vault / OpenBao server for provider tests, following Vault's documented JSON API:
 * X-Vault-Token / X-Vault-Namespace headers, the LIST method (and ?list=true), KV v1 and KV v2 (data,
 * metadata, versions, custom_metadata, check-and-set), a dynamic `database/creds/<role>` engine, token
 * lookup/renew/revoke, and the login endpoints of the auth methods ESO uses. HTTPS with client-certificate
 * auth when given a key pair. Every request is recorded; faults (status, delay, errors that quote the request
 * body back) can be queued per path.
 */
import { randomUUID } from "node:crypto";
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
  type: "kv" | "database";
  version: 1 | 2;
  kv1: Map<string, Record<string, unknown>>;
  kv2: Map<string, KvEntry>;
  roles: Map<string, { ttl: number }>;
}

export type LoginCheck = (body: any, req: RecordedRequest) => { ok: boolean; policies?: string[]; allow?: string[] };

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
          rejectUnauthorized: false,
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

  mountKv(path: string, version: 1 | 2): this {
    this.mounts.set(path, { type: "kv", version, kv1: new Map(), kv2: new Map(), roles: new Map() });
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

  enableAuth(path: string, type: string, check: LoginCheck, ttl = 3600, renewable = true): this {
    this.auths.set(path, { type, check, ttl, renewable });
    return this;
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
    if (!result.ok) return this.send(res, 400, { errors: ["invalid credentials"] });
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
