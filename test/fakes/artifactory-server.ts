/**
 * Loopback fake of the JFrog Platform Access API token calls:
 * - POST /access/api/v1/oidc/token (no Authorization): the token-exchange grant; the subject token is checked
 *   against the named OIDC provider's rule (signature, issuer, subject, audience, expiry) and its provider type,
 *   application key and identity mapping when configured. Answers {access_token, token_type, expires_in,
 *   username, reference_token?}.
 * - POST /access/api/v1/tokens (Authorization: Bearer <bootstrap token>): scope is required and must be an
 *   applied-permissions scope, expires_in a non-negative integer, unknown fields are refused. Answers
 *   {token_id, access_token, expires_in?, scope, token_type, reference_token?}; expires_in 0 means non-expiring.
 * Issued access tokens are HS256 JWTs with `sub` (and `exp` unless non-expiring). Records `requests` and serves
 * queued `faults`.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type FakeServer, sendJson, startFakeServer } from "../support/fake-server.js";
import { type FederationRule, refusal, type SignatureCheck } from "./federation-token.js";

export interface ArtifactoryRequest {
  method: string;
  path: string;
  contentType?: string;
  authorization?: string;
  body?: Record<string, unknown>;
}

export interface OidcProvider {
  rule: FederationRule;
  /** The JFrog username the identity mapping maps to. */
  username: string;
  providerType?: string;
  applicationKey?: string;
  identityMappings?: string[];
}

export interface IssuedArtifactoryToken {
  via: "oidc" | "tokens";
  accessToken: string;
  referenceToken?: string;
  sub: string;
  exp?: number;
  body: Record<string, unknown>;
}

const CREATE_FIELDS = new Set([
  "scope",
  "description",
  "expires_in",
  "include_reference_token",
  "refreshable",
  "project_key",
]);
const SCOPE = /^applied-permissions\/(user|admin|groups:[^\s]+|roles:[^\s]+)$/;
const SUBJECT_PREFIX = "jfac@01fake/users/";

export class FakeArtifactory {
  readonly providers = new Map<string, OidcProvider>();
  /** Bootstrap tokens the Access API accepts -> the username they act as. */
  readonly bootstrapTokens = new Map<string, string>();
  readonly projects = new Set<string>();
  readonly issued: IssuedArtifactoryToken[] = [];
  /** Lifetime of OIDC-issued tokens and default of created ones (seconds). */
  defaultExpiresIn = 3600;
  /** When false, answers leave expires_in out (the generator must read the JWT's exp). */
  reportExpiresIn = true;
  lastRefusal?: string;
  private server?: FakeServer<ArtifactoryRequest>;
  private readonly key = randomBytes(32);

  constructor(private readonly signature: SignatureCheck) {}

  provider(name: string, p: OidcProvider): this {
    this.providers.set(name, p);
    return this;
  }
  bootstrap(token: string, username: string): this {
    this.bootstrapTokens.set(token, username);
    return this;
  }

  get url(): string {
    return this.server!.url;
  }
  get requests(): ArtifactoryRequest[] {
    return this.server!.requests;
  }
  get faults() {
    return this.server!.faults;
  }

  private mint(username: string, lifetime: number): { token: string; sub: string; exp?: number } {
    const now = Math.floor(Date.now() / 1000);
    const sub = `${SUBJECT_PREFIX}${username}`;
    const claims: Record<string, unknown> = { sub, scp: "applied-permissions/user", iat: now, jti: randomUUID() };
    const exp = lifetime > 0 ? now + lifetime : undefined;
    if (exp) claims.exp = exp;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
    return { token: `${unsigned}.${createHmac("sha256", this.key).update(unsigned).digest("base64url")}`, sub, exp };
  }

  private parse(req: FakeRequest, res: ServerResponse): Record<string, any> | undefined {
    if (!/^application\/json\b/.test(req.headers["content-type"] ?? "")) {
      sendJson(res, 415, { errors: [{ code: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported media type" }] });
      return undefined;
    }
    try {
      const body = req.json();
      if (body && typeof body === "object" && !Array.isArray(body)) return body;
    } catch {}
    sendJson(res, 400, { errors: [{ code: "BAD_REQUEST", message: "Malformed JSON" }] });
    return undefined;
  }

  private badRequest(res: ServerResponse, message: string) {
    sendJson(res, 400, { errors: [{ code: "BAD_REQUEST", message }] });
  }

  private oidcToken(req: FakeRequest, res: ServerResponse) {
    const body = this.parse(req, res);
    if (!body) return;
    if (body.grant_type !== "urn:ietf:params:oauth:grant-type:token-exchange") {
      return this.badRequest(res, "unsupported grant_type");
    }
    if (body.subject_token_type !== "urn:ietf:params:oauth:token-type:id_token") {
      return this.badRequest(res, "unsupported subject_token_type");
    }
    if (typeof body.subject_token !== "string" || typeof body.provider_name !== "string") {
      return this.badRequest(res, "subject_token and provider_name are required");
    }
    const p = this.providers.get(body.provider_name);
    let why = p ? refusal(body.subject_token, this.signature, p.rule) : "provider";
    if (!why && p!.providerType && body.provider_type !== p!.providerType) why = "provider_type";
    if (!why && p!.applicationKey && body.application_key !== p!.applicationKey) why = "application_key";
    if (
      !why &&
      body.identity_mapping_name !== undefined &&
      !p!.identityMappings?.includes(body.identity_mapping_name)
    ) {
      why = "identity_mapping";
    }
    if (why) {
      this.lastRefusal = why;
      return sendJson(res, 401, { errors: [{ code: "UNAUTHORIZED", message: "Bad credentials" }] });
    }
    if (body.project_key !== undefined && !this.projects.has(body.project_key)) {
      return sendJson(res, 404, { errors: [{ code: "NOT_FOUND", message: "Project not found" }] });
    }
    const minted = this.mint(p!.username, this.defaultExpiresIn);
    const referenceToken =
      body.include_reference_token === true ? `cmVmdGtu${randomBytes(24).toString("hex")}` : undefined;
    this.issued.push({
      via: "oidc",
      accessToken: minted.token,
      referenceToken,
      sub: minted.sub,
      exp: minted.exp,
      body,
    });
    sendJson(res, 200, {
      access_token: minted.token,
      token_type: "Bearer",
      ...(this.reportExpiresIn ? { expires_in: this.defaultExpiresIn } : {}),
      username: p!.username,
      ...(referenceToken ? { reference_token: referenceToken } : {}),
    });
  }

  private createToken(req: FakeRequest, res: ServerResponse) {
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const username = auth ? this.bootstrapTokens.get(auth) : undefined;
    if (!username) {
      this.lastRefusal = auth ? "token" : "no-authorization";
      return sendJson(res, 401, { errors: [{ code: "UNAUTHORIZED", message: "Bad credentials" }] });
    }
    const body = this.parse(req, res);
    if (!body) return;
    const unknown = Object.keys(body).filter((k) => !CREATE_FIELDS.has(k));
    if (unknown.length) return this.badRequest(res, `unknown fields: ${unknown.join(",")}`);
    if (typeof body.scope !== "string" || !SCOPE.test(body.scope)) return this.badRequest(res, "invalid scope");
    const expiresIn = body.expires_in ?? this.defaultExpiresIn;
    if (!Number.isInteger(expiresIn) || expiresIn < 0) return this.badRequest(res, "invalid expires_in");
    for (const k of ["include_reference_token", "refreshable"]) {
      if (body[k] !== undefined && typeof body[k] !== "boolean") return this.badRequest(res, `invalid ${k}`);
    }
    if (body.project_key !== undefined && !this.projects.has(body.project_key)) {
      return sendJson(res, 404, { errors: [{ code: "NOT_FOUND", message: "Project not found" }] });
    }
    const minted = this.mint(username, expiresIn);
    const referenceToken =
      body.include_reference_token === true ? `cmVmdGtu${randomBytes(24).toString("hex")}` : undefined;
    this.issued.push({
      via: "tokens",
      accessToken: minted.token,
      referenceToken,
      sub: minted.sub,
      exp: minted.exp,
      body,
    });
    sendJson(res, 200, {
      token_id: randomUUID(),
      access_token: minted.token,
      ...(this.reportExpiresIn && expiresIn > 0 ? { expires_in: expiresIn } : {}),
      scope: body.scope,
      token_type: "Bearer",
      ...(body.refreshable === true ? { refresh_token: randomUUID() } : {}),
      ...(referenceToken ? { reference_token: referenceToken } : {}),
    });
  }

  async start(): Promise<this> {
    this.server = await startFakeServer<ArtifactoryRequest>({
      faultBody: (status) => ({ errors: [{ code: String(status), message: `injected ${status}` }] }),
      record: (req) => {
        let body: Record<string, unknown> | undefined;
        try {
          body = req.json();
        } catch {}
        return {
          method: req.method,
          path: req.url.pathname,
          contentType: req.headers["content-type"],
          authorization: req.headers.authorization,
          body,
        };
      },
      routes: [
        { method: "POST", path: "/access/api/v1/oidc/token", handle: (req, res) => this.oidcToken(req, res) },
        { method: "POST", path: "/access/api/v1/tokens", handle: (req, res) => this.createToken(req, res) },
      ],
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}
