/**
 * Loopback fake of Cloudsmith's OIDC exchange: POST /openid/{org}/ with a JSON body {oidc_token, service_slug};
 * the token is checked against the org's OIDC service rule (signature, issuer, subject, audience, expiry).
 * Answers 201 {token} (a JWT with exp), 401 {detail} when refused, 404 for an unknown org, 400 for a malformed
 * body. Records `requests` (with the parsed body) and serves queued `faults`.
 */
import { randomBytes } from "node:crypto";
import { type FakeServer, sendJson, startFakeServer } from "../support/fake-server.js";
import { type FederationRule, issueAccessToken, refusal, type SignatureCheck } from "./federation-token.js";

export interface CloudsmithRequest {
  method: string;
  path: string;
  contentType?: string;
  body?: Record<string, unknown>;
}

export class FakeCloudsmith {
  /** "<org>/<service slug>" -> who may exchange a token for that service. */
  readonly services = new Map<string, FederationRule>();
  readonly issued: { org: string; service: string; token: string; exp: number }[] = [];
  lastRefusal?: string;
  private server?: FakeServer<CloudsmithRequest>;
  private readonly key = randomBytes(32);

  constructor(private readonly signature: SignatureCheck) {}

  service(org: string, slug: string, rule: FederationRule): this {
    this.services.set(`${org}/${slug}`, rule);
    return this;
  }

  get url(): string {
    return this.server!.url;
  }
  get requests(): CloudsmithRequest[] {
    return this.server!.requests;
  }
  get faults() {
    return this.server!.faults;
  }

  async start(): Promise<this> {
    const orgs = () => new Set([...this.services.keys()].map((k) => k.split("/")[0]));
    this.server = await startFakeServer<CloudsmithRequest>({
      faultBody: (status) => ({ detail: `injected ${status}` }),
      record: (req) => {
        let body: Record<string, unknown> | undefined;
        try {
          body = req.json();
        } catch {}
        return { method: req.method, path: req.url.pathname, contentType: req.headers["content-type"], body };
      },
      routes: [
        {
          method: "POST",
          path: /^\/openid\/([^/]+)\/$/,
          handle: (req, res, m) => {
            const org = decodeURIComponent(m![1]!);
            if (!orgs().has(org)) return sendJson(res, 404, { detail: "Not found." });
            let body: { oidc_token?: unknown; service_slug?: unknown };
            try {
              body = req.json();
            } catch {
              return sendJson(res, 400, { detail: "JSON parse error" });
            }
            if (!/^application\/json\b/.test(req.headers["content-type"] ?? "")) {
              return sendJson(res, 415, { detail: "Unsupported media type" });
            }
            if (typeof body.oidc_token !== "string" || typeof body.service_slug !== "string") {
              return sendJson(res, 400, { detail: "oidc_token and service_slug are required" });
            }
            const rule = this.services.get(`${org}/${body.service_slug}`);
            const why = rule ? refusal(body.oidc_token, this.signature, rule) : "service";
            if (why) {
              this.lastRefusal = why;
              return sendJson(res, 401, { detail: "Invalid OIDC token." });
            }
            const issued = issueAccessToken(this.key, `service:${body.service_slug}`);
            this.issued.push({ org, service: body.service_slug, ...issued });
            sendJson(res, 201, { token: issued.token });
          },
        },
      ],
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}
