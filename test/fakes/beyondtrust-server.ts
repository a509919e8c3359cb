/**
 * Loopback fake of BeyondTrust Workload Credentials' dynamic-secret endpoint, over HTTPS with a self-signed CA:
 * POST <prefix>/<siteId>/secrets/dynamic/<name>/generate[?folder=<folder>]. It checks what the service checks
 * (the site, the bearer API key, the pinned API version header, the key's access to the folder, the definition
 * existing), mints fresh AWS-style credentials per call, records every request and serves queued faults.
 * For the store provider it also serves static secrets: GET <prefix>/<siteId>/secrets/session,
 * GET .../static/<name>[?folder=] and GET .../static[?path=&recursive=true].
 */
import { randomBytes, randomUUID } from "node:crypto";
import { type FakeRequest, type FakeServer, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";
import { selfSignedCert } from "./azurekv-server.js";

export const FAKE_SITE_ID = "a1b2c3d4-e5f6-4890-abcd-ef1234567890";
const PREFIX = "/site";

export interface BeyondtrustRequest {
  method: string;
  pathname: string;
  folder: string | null;
  authorization?: string;
  apiVersion?: string;
  contentType?: string;
}

export interface Definition {
  /** Whether the definition's credentials carry a session token (AssumeRole) or not (IAM user). */
  sessionToken: boolean;
  ttlSeconds: number;
}

export interface IssuedCredentials {
  path: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  leaseId: string;
  expiration: string;
}

export class FakeBeyondtrust {
  readonly tls = selfSignedCert("127.0.0.1");
  readonly requests: BeyondtrustRequest[] = [];
  readonly faults: Fault[] = [];
  readonly issued: IssuedCredentials[] = [];
  /** API key -> folder prefixes it may generate from ("" = every folder). */
  private readonly keys = new Map<string, string[]>();
  /** "<folder>/<name>" (or "<name>" at the root) -> definition. */
  private readonly definitions = new Map<string, Definition>();
  /** "<folder>/<name>" (or "<name>" at the root) -> static secret. */
  readonly statics = new Map<string, { secret: Record<string, unknown>; tags?: Record<string, string> }>();
  private server?: FakeServer<BeyondtrustRequest>;
  /** The version header value the service accepts. */
  acceptedApiVersion = "2026-04-28";

  get caPem(): string {
    return this.tls.certPem;
  }

  /** What goes in spec.provider.server.apiUrl. */
  get apiUrl(): string {
    if (!this.server) throw new Error("fake not started");
    return `${this.server.url}${PREFIX}`;
  }

  addApiKey(key: string, folders: string[] = [""]): this {
    this.keys.set(key, folders);
    return this;
  }

  define(path: string, def: Partial<Definition> = {}): this {
    this.definitions.set(path, { sessionToken: true, ttlSeconds: 3600, ...def });
    return this;
  }

  putStatic(path: string, secret: Record<string, unknown>, tags?: Record<string, string>): this {
    this.statics.set(path, { secret, tags });
    return this;
  }

  async start(): Promise<this> {
    this.server = await startFakeServer<BeyondtrustRequest>({
      tls: { key: this.tls.keyPem, cert: this.tls.certPem },
      faults: this.faults,
      requests: this.requests,
      record: (r) => ({
        method: r.method,
        pathname: r.url.pathname,
        folder: r.url.searchParams.get("folder"),
        authorization: r.headers.authorization,
        apiVersion: r.headers["bt-secrets-api-version"] as string | undefined,
        contentType: r.headers["content-type"],
      }),
      faultBody: (status) => ({ error: "injected", message: `injected fault ${status}` }),
      routes: [
        {
          path: new RegExp(`^${PREFIX}/([^/]+)/secrets/(session|static)(?:/([^/]+))?$`),
          handle: (req, res, m) => {
            const out = this.readStatic(req, decodeURIComponent(m![1]!), m![2]!, m![3] && decodeURIComponent(m![3]));
            sendJson(res, out.status, out.body);
          },
        },
        {
          path: new RegExp(`^${PREFIX}/([^/]+)/secrets/dynamic/([^/]+)/generate$`),
          handle: (req, res, m) => {
            const out = this.generate(req, decodeURIComponent(m![1]!), decodeURIComponent(m![2]!));
            sendJson(res, out.status, out.body);
          },
        },
      ],
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** The checks every call shares: the site, the bearer key, the version header. Answers the key's folders. */
  private authorize(req: FakeRequest, siteId: string): { status: number; body: unknown } | string[] {
    if (siteId !== FAKE_SITE_ID) return { status: 404, body: { error: "not_found", message: "unknown site" } };
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const allowed = auth ? this.keys.get(auth[1]!) : undefined;
    if (!allowed) return { status: 401, body: { error: "unauthorized", message: "invalid API key" } };
    if (req.headers["bt-secrets-api-version"] !== this.acceptedApiVersion) {
      return { status: 400, body: { error: "bad_request", message: "unsupported API version" } };
    }
    return allowed;
  }

  private readStatic(req: FakeRequest, siteId: string, kind: string, name: string | undefined) {
    if (req.method !== "GET") return { status: 405, body: { error: "method_not_allowed" } };
    const allowed = this.authorize(req, siteId);
    if (!Array.isArray(allowed)) return allowed;
    if (kind === "session") return { status: 200, body: { valid: true } };
    const may = (folder: string) => allowed.some((p) => p === "" || folder === p || folder.startsWith(`${p}/`));
    if (name !== undefined) {
      const folder = req.url.searchParams.get("folder") ?? "";
      if (!may(folder)) return { status: 403, body: { error: "forbidden", message: "no access to folder" } };
      const path = folder ? `${folder}/${name}` : name;
      const s = this.statics.get(path);
      if (!s) return { status: 404, body: { error: "not_found", message: "secret not found" } };
      return {
        status: 200,
        body: {
          secret: s.secret,
          type: "static",
          path,
          metadata: { id: randomUUID(), tags: s.tags ?? {}, version: 1 },
        },
      };
    }
    const folder = req.url.searchParams.get("path") ?? "";
    if (!may(folder)) return { status: 403, body: { error: "forbidden", message: "no access to folder" } };
    const recursive = req.url.searchParams.get("recursive") === "true";
    const data = [...this.statics.keys()]
      .filter((p) => {
        const dir = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "";
        if (!folder) return recursive || dir === "";
        return recursive ? p.startsWith(`${folder}/`) : dir === folder;
      })
      .map((p) => ({ path: p, type: "static" }));
    return { status: 200, body: { data } };
  }

  private generate(req: FakeRequest, siteId: string, name: string): { status: number; body: unknown } {
    if (req.method !== "POST") return { status: 405, body: { error: "method_not_allowed" } };
    if (siteId !== FAKE_SITE_ID) return { status: 404, body: { error: "not_found", message: "unknown site" } };
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    const allowed = auth ? this.keys.get(auth[1]!) : undefined;
    if (!allowed) return { status: 401, body: { error: "unauthorized", message: "invalid API key" } };
    if (req.headers["bt-secrets-api-version"] !== this.acceptedApiVersion) {
      return { status: 400, body: { error: "bad_request", message: "unsupported API version" } };
    }
    const folder = req.url.searchParams.get("folder") ?? "";
    if (!allowed.some((p) => p === "" || folder === p || folder.startsWith(`${p}/`))) {
      return { status: 403, body: { error: "forbidden", message: "key may not generate in this folder" } };
    }
    const path = folder ? `${folder}/${name}` : name;
    const def = this.definitions.get(path);
    if (!def) return { status: 404, body: { error: "not_found", message: "no dynamic secret definition" } };
    const creds: IssuedCredentials = {
      path,
      accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString("base64"),
      ...(def.sessionToken ? { sessionToken: `IQoJ${randomBytes(48).toString("base64")}` } : {}),
      leaseId: randomUUID(),
      expiration: new Date(Date.now() + def.ttlSeconds * 1000).toISOString().replace(/\.\d+Z$/, "Z"),
    };
    this.issued.push(creds);
    const { path: _path, ...secret } = creds;
    return { status: 201, body: { secret } };
  }
}
