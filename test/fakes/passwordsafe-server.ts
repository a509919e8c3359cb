/**
 * Loopback fake of the BeyondTrust Password Safe public API (v3) under /BeyondTrust/api/public/v3: sign-in with
 * an API key (`PS-Auth key=...;`) or an OAuth client-credentials token, a session cookie every later call must
 * carry, managed account release (ManagedAccounts, Requests, Credentials, check-in), Secrets Safe reads by path
 * and title (credential, text, file) and secret creation in folders, sign-out. Over HTTPS it can require a client
 * certificate signed by a given CA (mTLS). Records every request and serves queued faults.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Fault } from "../support/fake-server.js";

const PREFIX = "/BeyondTrust/api/public/v3";

export interface PsRequest {
  method: string;
  /** Path below the API prefix, e.g. "Auth/SignAppin". */
  path: string;
  query: URLSearchParams;
  authorization?: string;
  cookie?: string;
  body: string;
}

export interface PsSecret {
  Id: string;
  Title: string;
  FolderPath: string;
  SecretType: "Credential" | "Text" | "File";
  Password?: string;
  Username?: string;
  FileContent?: string;
  FileName?: string;
  /** The JSON body (or multipart metadata) it was created with, for push assertions. */
  created?: Record<string, unknown>;
}

export interface PasswordSafeOptions {
  tls?: { key: string; cert: string };
  /** PEM CA whose client certificates are required (mTLS); only with tls. */
  clientCa?: string;
}

export class FakePasswordSafe {
  readonly requests: PsRequest[] = [];
  readonly faults: Fault[] = [];
  readonly secrets: PsSecret[] = [];
  readonly folders: { Id: string; Name: string }[] = [];
  /** Release requests not yet checked in. */
  readonly openRequests = new Map<number, { account: string }>();
  checkIns = 0;
  signOuts = 0;
  private readonly apiKeys = new Set<string>();
  private readonly clients = new Map<string, string>();
  private readonly tokens = new Set<string>();
  private readonly sessions = new Set<string>();
  private readonly accounts = new Map<string, { SystemId: number; AccountId: number; password: string }>();
  private nextRequest = 100;
  private server?: Server;
  private base = "";

  constructor(private readonly opts: PasswordSafeOptions = {}) {}

  get apiUrl(): string {
    return `${this.base}${PREFIX}`;
  }

  addApiKey(key: string): this {
    this.apiKeys.add(key);
    return this;
  }

  addClient(id: string, secret: string): this {
    this.clients.set(id, secret);
    return this;
  }

  addManagedAccount(system: string, account: string, password: string): this {
    const n = this.accounts.size + 1;
    this.accounts.set(`${system}\u0000${account}`, { SystemId: n, AccountId: 1000 + n, password });
    return this;
  }

  addFolder(name: string): string {
    const Id = randomUUID();
    this.folders.push({ Id, Name: name });
    return Id;
  }

  addSecret(s: Omit<PsSecret, "Id">): this {
    this.secrets.push({ Id: randomUUID(), ...s });
    return this;
  }

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.handle(req, res, Buffer.concat(chunks).toString("utf8")));
    };
    this.server = this.opts.tls
      ? createHttps(
          {
            key: this.opts.tls.key,
            cert: this.opts.tls.cert,
            ...(this.opts.clientCa ? { requestCert: true, rejectUnauthorized: false, ca: this.opts.clientCa } : {}),
          },
          handler,
        )
      : createHttp(handler);
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.base = `${this.opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length + 1) : url.pathname;
    this.requests.push({
      method: req.method ?? "GET",
      path,
      query: url.searchParams,
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      body,
    });
    const send = (status: number, payload?: unknown, headers: Record<string, string | string[]> = {}) => {
      const text = payload === undefined ? "" : typeof payload === "string" ? payload : JSON.stringify(payload);
      res.writeHead(status, {
        "content-type": typeof payload === "string" ? "text/plain" : "application/json",
        ...headers,
      });
      res.end(text);
    };
    const fault = this.faults.shift();
    if (fault !== undefined) {
      const f = typeof fault === "number" ? { status: fault } : fault;
      if (f.hang) return;
      const answer = () => send(f.status ?? 500, f.body ?? `injected fault ${f.status ?? 500}`);
      if (f.delayMs) setTimeout(answer, f.delayMs);
      else answer();
      return;
    }
    if (this.opts.clientCa && !(req.socket as TLSSocket).authorized) return send(403, "client certificate required");
    const lower = path.toLowerCase();
    if (req.method === "POST" && lower === "auth/connect/token") return this.token(body, send);
    if (req.method === "POST" && lower === "auth/signappin") return this.signIn(req.headers.authorization, send);
    if (!this.sessionOf(req.headers.cookie)) return send(401, "User not authenticated");
    if (req.method === "POST" && lower === "auth/signout") {
      this.sessions.delete(this.sessionOf(req.headers.cookie)!);
      this.signOuts++;
      return send(200);
    }
    if (req.method === "GET" && lower === "managedaccounts") {
      const acc = this.accounts.get(
        `${url.searchParams.get("systemName")}\u0000${url.searchParams.get("accountName")}`,
      );
      if (!acc) return send(404, "Managed Account not found");
      return send(200, {
        SystemId: acc.SystemId,
        AccountId: acc.AccountId,
        SystemName: url.searchParams.get("systemName"),
      });
    }
    if (req.method === "POST" && lower === "requests") {
      const b = JSON.parse(body || "{}");
      const acc = [...this.accounts.entries()].find(
        ([, a]) => a.SystemId === b.SystemID && a.AccountId === b.AccountID,
      );
      if (!acc) return send(400, "Invalid system or account");
      const id = this.nextRequest++;
      this.openRequests.set(id, { account: acc[0] });
      return send(201, id);
    }
    let m = /^credentials\/(\d+)$/.exec(lower);
    if (req.method === "GET" && m) {
      const r = this.openRequests.get(Number(m[1]));
      if (!r) return send(404, "Request not found");
      // A JSON string, as the real API answers.
      return send(200, JSON.stringify(this.accounts.get(r.account)!.password));
    }
    m = /^requests\/(\d+)\/checkin$/.exec(lower);
    if (req.method === "PUT" && m) {
      if (!this.openRequests.delete(Number(m[1]))) return send(404, "Request not found");
      this.checkIns++;
      return send(204);
    }
    if (req.method === "GET" && lower === "secrets-safe/secrets") {
      const title = url.searchParams.get("title");
      const folder = url.searchParams.get("path");
      const sep = url.searchParams.get("separator") || "/";
      const found = this.secrets.filter(
        (s) => s.Title === title && (folder === null || s.FolderPath.split("/").join(sep) === folder),
      );
      return send(
        200,
        found.map((s) => ({
          Id: s.Id,
          Title: s.Title,
          FolderPath: s.FolderPath,
          SecretType: s.SecretType,
          Username: s.Username,
          ...(s.SecretType !== "File" && url.searchParams.get("decrypt") !== "false" ? { Password: s.Password } : {}),
        })),
      );
    }
    m = /^secrets-safe\/secrets\/([^/]+)\/file\/download$/.exec(path);
    if (req.method === "GET" && m) {
      const s = this.secrets.find((x) => x.Id === m![1] && x.SecretType === "File");
      if (!s) return send(404, "Secret not found");
      return send(200, s.FileContent ?? "");
    }
    if (req.method === "GET" && (lower === "secrets-safe/folders/" || lower === "secrets-safe/folders")) {
      return send(200, this.folders);
    }
    m = /^secrets-safe\/folders\/([^/]+)\/secrets(\/text|\/file)?$/.exec(path);
    if (req.method === "POST" && m)
      return this.create(m[1]!, m[2] ?? "", req.headers["content-type"] ?? "", body, send);
    return send(404, "Not found");
  }

  private sessionOf(cookie: string | undefined): string | undefined {
    const id = /ASP\.NET_SessionId=([^;]+)/.exec(cookie ?? "")?.[1];
    return id && this.sessions.has(id) ? id : undefined;
  }

  private token(body: string, send: (s: number, p?: unknown) => void) {
    const form = new URLSearchParams(body);
    const id = form.get("client_id") ?? "";
    if (
      form.get("grant_type") !== "client_credentials" ||
      !this.clients.has(id) ||
      this.clients.get(id) !== form.get("client_secret")
    ) {
      return send(400, { error: "invalid_client" });
    }
    const token = randomBytes(24).toString("hex");
    this.tokens.add(token);
    return send(200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
  }

  private signIn(
    auth: string | undefined,
    send: (s: number, p?: unknown, h?: Record<string, string | string[]>) => void,
  ) {
    const key = /^PS-Auth key=([^;]+);/.exec(auth ?? "")?.[1]?.trim();
    const bearer = /^Bearer (.+)$/.exec(auth ?? "")?.[1];
    const ok = (key && this.apiKeys.has(key)) || (bearer && this.tokens.has(bearer));
    if (!ok) return send(401, "User not authenticated");
    const session = randomBytes(12).toString("hex");
    this.sessions.add(session);
    return send(
      200,
      { UserId: 7, SID: "S-1-5-21-7", EmailAddress: "eso@example.com", UserName: "eso-app", Name: "ESO App" },
      { "set-cookie": [`ASP.NET_SessionId=${session}; path=/; HttpOnly`] },
    );
  }

  private create(
    folderId: string,
    kind: string,
    contentType: string,
    body: string,
    send: (s: number, p?: unknown) => void,
  ) {
    const folder = this.folders.find((f) => f.Id === folderId);
    if (!folder) return send(404, "Folder not found");
    let details: Record<string, unknown>;
    let file: string | undefined;
    if (kind === "/file") {
      const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
      if (!boundary) return send(400, "multipart body expected");
      const parts = body.split(`--${boundary}`).slice(1, -1);
      const field = (name: string) => {
        const p = parts.find((x) => x.includes(`name="${name}"`));
        return p ? p.slice(p.indexOf("\r\n\r\n") + 4, -2) : undefined;
      };
      details = JSON.parse(field("secretmetadata") ?? "{}");
      file = field("file");
    } else {
      details = JSON.parse(body || "{}");
    }
    if (!details.Title) return send(400, "Title is required");
    const secret: PsSecret = {
      Id: randomUUID(),
      Title: String(details.Title),
      FolderPath: folder.Name,
      SecretType: kind === "/file" ? "File" : kind === "/text" ? "Text" : "Credential",
      Password: kind === "/text" ? String(details.Text ?? "") : String(details.Password ?? ""),
      Username: details.Username as string | undefined,
      FileContent: file,
      FileName: details.FileName as string | undefined,
      created: details,
    };
    this.secrets.push(secret);
    return send(201, { Id: secret.Id, Title: secret.Title });
  }
}
