/**
 * Loopback fake of the Conjur REST API: authn (API key), authn-jwt (checks the JWT's issuer, audience and
 * subject against a configured host), authn-cert (mTLS: the client certificate must be signed by the test CA),
 * GET /secrets/{account}/variable/{id} with versions, GET /secrets?variable_ids= (whole batch refused when one id
 * is missing, as Conjur does; base64 values with Accept: base64), GET /resources/{account}?kind=variable with
 * limit/offset and annotations. authn-azure, authn-gcp and authn-iam check what Conjur checks: an ARM token the
 * metadata fake issued (or a ServiceAccount JWT of the expected issuer and audience), a Google identity token for
 * `conjur/{account}/host/{id}`, a SigV4 signature of sts:GetCallerIdentity by a known key. Access tokens are `Token token="<base64>"` and expire on demand. Records
 * requests and serves queued faults (a status, a delay or a hang).
 */
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { signRequest } from "../../src/providers/aws/kit/sigv4.js";
import type { Fault } from "../support/fake-server.js";
import type { FakeCloudMetadata } from "./akeyless-cloud.js";
import type { TestPki } from "./vault-server.js";

export interface ConjurVariable {
  /** Every version's value, oldest first; the last is current. Empty: declared but never set (404). */
  versions: Buffer[];
  annotations?: Record<string, string>;
  /** Hidden from this identity: 403 on read, left out of /resources. */
  forbidden?: boolean;
}

export interface ConjurRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body: string;
}

export interface ConjurFakeOptions {
  account?: string;
  /** Serve HTTPS with this PKI; authn-cert then accepts client certificates signed by its CA. */
  tls?: TestPki;
  /** Answer batch reads in plain JSON even when asked for base64 (older Conjur). */
  ignoreBase64?: boolean;
}

export class ConjurFake {
  readonly account: string;
  readonly variables = new Map<string, ConjurVariable>();
  /** login -> API key, for authn. */
  readonly apiKeys = new Map<string, string>();
  /** authn-jwt services: serviceID -> the host a valid JWT logs in as, and the audience it must carry. */
  readonly jwtServices = new Map<string, { host: string; audience?: string; issuer?: string }>();
  /** authn-cert services: serviceID -> hosts allowed (by certificate CN when the URL names none). */
  readonly certServices = new Map<string, { hosts: string[] }>();
  /**
   * authn-azure services: serviceID -> the host (`host/...`) that may log in, with an ARM token `metadata` issued
   * or a JWT whose issuer and audience match.
   */
  readonly azureServices = new Map<
    string,
    { host: string; metadata?: FakeCloudMetadata; issuer?: string; audience?: string }
  >();
  /** authn-gcp: hosts (`host/...`) that may log in, with a token `gcpMetadata` issued or one Google signed. */
  readonly gcpHosts = new Set<string>();
  gcpMetadata?: FakeCloudMetadata;
  /** authn-iam services: serviceID -> the host (`host/...`) each AWS access key id is mapped to, and its key. */
  readonly iamServices = new Map<
    string,
    { keys: Map<string, { host: string; secretAccessKey: string; sessionToken?: string }> }
  >();
  /** Why the last cloud login was refused (tests read it; never sent to the client). */
  lastRefusal = "";
  readonly requests: ConjurRequest[] = [];
  readonly faults: Fault[] = [];
  /** Checks a JWT's signature and returns its claims (default: claims decoded unchecked). */
  jwtVerify: (jwt: string) => JwtClaims | undefined = decodeJwt;
  /** Logins that succeeded, by authenticator path. */
  readonly logins: string[] = [];
  private readonly tokens = new Map<string, string>();
  private server!: http.Server;
  url = "";

  constructor(private readonly opts: ConjurFakeOptions = {}) {
    this.account = opts.account ?? "myorg";
  }

  setVariable(id: string, value: string | Buffer | Array<string | Buffer>, annotations?: Record<string, string>): this {
    const vs = (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)));
    this.variables.set(id, { versions: vs, annotations });
    return this;
  }

  /** Makes every access token issued so far invalid (as if it expired). */
  expireTokens(): void {
    this.tokens.clear();
  }

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch(() => this.send(res, 500, { error: { code: "internal", message: "boom" } }));
    };
    const t = this.opts.tls;
    this.server = t
      ? https.createServer(
          { key: t.serverKeyPem, cert: t.serverCertPem, ca: t.caPem, requestCert: true, rejectUnauthorized: false },
          handler,
        )
      : http.createServer(handler);
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    const { port } = this.server.address() as AddressInfo;
    this.url = `${t ? "https" : "http"}://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    const raw = typeof body === "string" || Buffer.isBuffer(body);
    res.writeHead(status, { "content-type": raw ? "text/plain" : "application/json", ...headers });
    res.end(raw ? body : JSON.stringify(body));
  }

  private issue(res: ServerResponse, req: IncomingMessage, role: string): void {
    const token = Buffer.from(JSON.stringify({ protected: "x", payload: randomUUID(), signature: "y" })).toString(
      "base64",
    );
    this.tokens.set(token, role);
    this.logins.push(role);
    // Conjur sends the token base64-encoded only when asked to.
    if (req.headers["accept-encoding"] === "base64") this.send(res, 200, token, { "content-encoding": "base64" });
    else this.send(res, 200, Buffer.from(token, "base64").toString("utf8"));
  }

  private refuse(res: ServerResponse, why: string): void {
    this.lastRefusal = why;
    this.unauthorized(res);
  }

  private unauthorized(res: ServerResponse): void {
    this.send(res, 401, "Unauthorized");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const u = new URL(req.url ?? "/", "http://x");
    const rawPath = (req.url ?? "/").split("?")[0]!;
    this.requests.push({
      method: req.method ?? "GET",
      path: rawPath,
      query: u.searchParams,
      authorization: req.headers.authorization,
      body,
    });
    const fault = this.faults.shift();
    if (fault !== undefined) {
      const f = typeof fault === "number" ? { status: fault } : fault;
      if (f.hang) return;
      if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
      if (f.status !== undefined) return this.send(res, f.status, { error: { code: "fault", message: "injected" } });
    }
    const seg = rawPath.split("/").slice(1).map(decodeURIComponent);
    const acct = this.account;

    if (req.method === "POST" && seg[0] === "authn" && seg[3] === "authenticate" && seg.length === 4) {
      if (seg[1] !== acct || this.apiKeys.get(seg[2]!) !== body) return this.unauthorized(res);
      return this.issue(res, req, seg[2]!);
    }
    if (req.method === "POST" && seg[0] === "authn-jwt" && seg.at(-1) === "authenticate") {
      const svc = this.jwtServices.get(seg[1]!);
      if (!svc || seg[2] !== acct) return this.unauthorized(res);
      const jwt = new URLSearchParams(body).get("jwt") ?? "";
      const claims = this.jwtVerify(jwt);
      const host = seg.length === 5 ? seg[3] : claims?.sub;
      if (!claims || host !== svc.host || claims.exp * 1000 < Date.now()) return this.unauthorized(res);
      if (svc.audience && ![claims.aud].flat().includes(svc.audience)) return this.unauthorized(res);
      if (svc.issuer && claims.iss !== svc.issuer) return this.unauthorized(res);
      return this.issue(res, req, `jwt:${host}`);
    }
    if (req.method === "POST" && seg[0] === "authn-cert" && seg.at(-1) === "authenticate") {
      const svc = this.certServices.get(seg[1]!);
      const sock = req.socket as TLSSocket;
      if (!svc || seg[2] !== acct || !sock.authorized) return this.unauthorized(res);
      const cn = sock.getPeerCertificate()?.subject?.CN;
      const host = seg.length === 5 ? seg[3]! : `host/${cn}`;
      if (!svc.hosts.includes(host) || (seg.length === 5 && `host/${cn}` !== host)) return this.unauthorized(res);
      return this.issue(res, req, `cert:${host}`);
    }

    if (req.method === "POST" && seg[0] === "authn-azure" && seg.length === 5 && seg[4] === "authenticate") {
      const svc = this.azureServices.get(seg[1]!);
      const why =
        !svc || seg[2] !== acct ? "unknown service" : refuseAzure(svc, seg[3]!, formJwt(req, body), this.jwtVerify);
      if (why) return this.refuse(res, why);
      return this.issue(res, req, `azure:${seg[3]}`);
    }
    if (req.method === "POST" && seg[0] === "authn-gcp" && seg.length === 3 && seg[2] === "authenticate") {
      const jwt = formJwt(req, body);
      const aud = this.gcpMetadata?.issued.get(jwt ?? "");
      const claims = aud ? undefined : decodeJwt(jwt ?? "");
      let audience: string | undefined;
      if (aud?.kind === "gcp") audience = aud.target;
      else if (claims?.iss === "https://accounts.google.com" && claims.exp * 1000 > Date.now()) {
        audience = [claims.aud].flat()[0];
      }
      const prefix = `conjur/${acct}/`;
      const host = audience?.startsWith(prefix) ? audience.slice(prefix.length) : undefined;
      if (seg[1] !== acct || !host || !this.gcpHosts.has(host)) return this.refuse(res, "not a token for this host");
      return this.issue(res, req, `gcp:${host}`);
    }
    if (req.method === "POST" && seg[0] === "authn-iam" && seg.length === 5 && seg[4] === "authenticate") {
      const svc = this.iamServices.get(seg[1]!);
      const why =
        !svc || seg[2] !== acct
          ? "unknown service"
          : req.headers["content-type"] !== "application/json"
            ? "not JSON"
            : refuseIam(svc.keys, seg[3]!, body);
      if (why) return this.refuse(res, why);
      return this.issue(res, req, `iam:${seg[3]}`);
    }

    const m = /^Token token="([^"]+)"$/.exec(req.headers.authorization ?? "");
    if (!m || !this.tokens.has(m[1]!)) return this.unauthorized(res);

    if (req.method === "GET" && seg[0] === "secrets" && seg.length === 4 && seg[2] === "variable") {
      if (seg[1] !== acct) return this.send(res, 404, notFound(`${seg[1]}:variable:${seg[3]}`));
      const v = this.variables.get(seg[3]!);
      if (v?.forbidden) return this.send(res, 403, { error: { code: "forbidden", message: "Forbidden" } });
      const version = u.searchParams.get("version");
      const value = version ? v?.versions[Number(version) - 1] : v?.versions.at(-1);
      if (!v || value === undefined) return this.send(res, 404, notFound(`${acct}:variable:${seg[3]}`));
      return this.send(res, 200, value, { "content-type": "application/octet-stream" });
    }
    if (req.method === "GET" && rawPath === "/secrets") {
      const ids = (u.searchParams.get("variable_ids") ?? "").split(",").filter(Boolean);
      if (!ids.length) return this.send(res, 422, { error: { code: "argument_error", message: "variable_ids" } });
      const base64 = req.headers.accept === "base64" && !this.opts.ignoreBase64;
      const out: Record<string, string> = {};
      for (const full of ids) {
        const [a, kind, ...rest] = full.split(":");
        const v = a === acct && kind === "variable" ? this.variables.get(rest.join(":")) : undefined;
        if (v?.forbidden) return this.send(res, 403, { error: { code: "forbidden", message: "Forbidden" } });
        const value = v?.versions.at(-1);
        if (!value) return this.send(res, 404, notFound(full));
        out[full] = base64 ? value.toString("base64") : value.toString("utf8");
      }
      return this.send(res, 200, out, base64 ? { "content-encoding": "base64" } : {});
    }
    if (req.method === "GET" && seg[0] === "resources" && seg[1] === acct && seg.length === 2) {
      if (u.searchParams.get("kind") !== "variable") return this.send(res, 200, []);
      const limit = Number(u.searchParams.get("limit") ?? 1000);
      const offset = Number(u.searchParams.get("offset") ?? 0);
      const all = [...this.variables.entries()].filter(([, v]) => !v.forbidden).sort(([a], [b]) => a.localeCompare(b));
      const page = all.slice(offset, offset + limit).map(([id, v]) => ({
        id: `${acct}:variable:${id}`,
        owner: `${acct}:policy:root`,
        annotations: Object.entries(v.annotations ?? {}).map(([name, value]) => ({ name, value, policy: "root" })),
      }));
      return this.send(res, 200, page);
    }
    return this.send(res, 404, { error: { code: "not_found", message: "route not found" } });
  }
}

function notFound(id: string) {
  return { error: { code: "not_found", message: `Variable ${id} is empty or not found.`, target: "id" } };
}

export interface JwtClaims {
  sub?: string;
  aud?: string | string[];
  iss?: string;
  exp: number;
}

function decodeJwt(jwt: string): JwtClaims | undefined {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

function formJwt(req: IncomingMessage, body: string): string | undefined {
  if (req.headers["content-type"] !== "application/x-www-form-urlencoded") return undefined;
  return new URLSearchParams(body).get("jwt") ?? undefined;
}

function refuseAzure(
  svc: { host: string; metadata?: FakeCloudMetadata; issuer?: string; audience?: string },
  host: string,
  jwt: string | undefined,
  verify: (jwt: string) => JwtClaims | undefined,
): string | undefined {
  if (host !== svc.host) return "another host";
  if (!jwt) return "no jwt";
  const issued = svc.metadata?.issued.get(jwt);
  if (issued)
    return issued.kind === "azure" && issued.target === "https://management.azure.com/"
      ? undefined
      : "not an ARM token";
  const claims = verify(jwt);
  if (!claims || !svc.issuer || claims.iss !== svc.issuer) return "unknown issuer";
  if (claims.exp * 1000 < Date.now()) return "expired";
  if (svc.audience && ![claims.aud].flat().includes(svc.audience)) return "wrong audience";
  return undefined;
}

const STS_HOST = /^sts(\.([a-z]{2}(-gov)?-[a-z]+-\d))?\.amazonaws\.com$/;

/** Conjur's checks on an authn-iam body, then the signature STS would verify when Conjur replays it. */
function refuseIam(
  keys: Map<string, { host: string; secretAccessKey: string; sessionToken?: string }>,
  host: string,
  body: string,
): string | undefined {
  let h: Record<string, string>;
  try {
    h = JSON.parse(body);
  } catch {
    return "body is not JSON";
  }
  const sts = STS_HOST.exec(h.Host ?? "");
  if (!sts) return "not an STS host";
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/sts\/aws4_request, /.exec(
    h.Authorization ?? "",
  );
  const key = auth ? keys.get(auth[1]!) : undefined;
  if (!auth || !key) return "unknown access key";
  if (auth[3] !== (sts[2] ?? "us-east-1")) return "signed for another region";
  if (key.host !== host) return "key maps to another host";
  if (key.sessionToken !== h["X-Amz-Security-Token"]) return "session token mismatch";
  const d = h["X-Amz-Date"] ?? "";
  const when = new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );
  if (!(Math.abs(Date.now() - when.getTime()) < 15 * 60_000)) return "stale signature";
  const url = new URL(`https://${h.Host}/?Action=GetCallerIdentity&Version=2011-06-15`);
  const creds = { accessKeyId: auth[1]!, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken };
  const expected = signRequest({ method: "GET", url, headers: {}, body: "" }, creds, auth[3]!, "sts", when);
  return expected.Authorization === h.Authorization ? undefined : "signature mismatch";
}
