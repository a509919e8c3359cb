/**
 * Authentication and authorization of /metrics scrapes through the API server, as controller-runtime's
 * WithAuthenticationAndAuthorization filter: the bearer token is checked with a TokenReview, then the user it
 * names must be allowed `get` on the non-resource path `/metrics` (a SubjectAccessReview). Tokens never reach
 * logs or metrics; answers are cached briefly under a hash of the token.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { KubeClient } from "../kube/index.js";

/** 200 serves the request; 401 / 403 refuse it; 429 / 500 when the API server could not be asked. */
export type ScrapeDecision = 200 | 401 | 403 | 429 | 500;

export interface MetricsAuthOptions {
  client: Pick<KubeClient, "request">;
  /** How long an answer is reused (default 60 s, as controller-runtime). */
  cacheTtlMs?: number;
  /** Answers remembered at most (oldest dropped first), so random tokens cannot grow memory. */
  cacheSize?: number;
  /** Reviews in flight at most; more concurrent unknown tokens get 429 instead of queueing on the API client. */
  maxInFlight?: number;
  now?: () => number;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
}

export class MetricsAuthorizer {
  private readonly cache = new Map<string, { decision: ScrapeDecision; until: number }>();
  private inFlight = 0;
  private readonly ttl: number;
  private readonly size: number;
  private readonly maxInFlight: number;
  private readonly now: () => number;

  constructor(private readonly opts: MetricsAuthOptions) {
    this.ttl = opts.cacheTtlMs ?? 60_000;
    this.size = opts.cacheSize ?? 1024;
    this.maxInFlight = opts.maxInFlight ?? 8;
    this.now = opts.now ?? Date.now;
  }

  async decide(req: IncomingMessage): Promise<ScrapeDecision> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (!m) return 401;
    const path = new URL(req.url ?? "/", "http://metrics").pathname;
    const verb = (req.method ?? "GET").toLowerCase();
    const key = createHash("sha256").update(`${verb} ${path} `).update(m[1]!).digest("base64url");
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.decision;
    if (this.inFlight >= this.maxInFlight) return 429;
    this.inFlight++;
    try {
      const decision = await this.review(m[1]!, path, verb);
      if (decision !== 500) this.remember(key, decision);
      return decision;
    } finally {
      this.inFlight--;
    }
  }

  private remember(key: string, decision: ScrapeDecision): void {
    this.cache.delete(key);
    this.cache.set(key, { decision, until: this.now() + this.ttl });
    while (this.cache.size > this.size) this.cache.delete(this.cache.keys().next().value!);
  }

  private async review(token: string, path: string, verb: string): Promise<ScrapeDecision> {
    let who: TokenReviewStatus;
    try {
      const tr = await this.opts.client.request<{ status?: TokenReviewStatus }>({
        method: "POST",
        path: "/apis/authentication.k8s.io/v1/tokenreviews",
        body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } },
        timeoutMs: 10_000,
      });
      who = tr.status ?? {};
    } catch {
      return 500;
    }
    if (!who.authenticated || !who.user?.username) return 401;
    try {
      const sar = await this.opts.client.request<{ status?: { allowed?: boolean } }>({
        method: "POST",
        path: "/apis/authorization.k8s.io/v1/subjectaccessreviews",
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SubjectAccessReview",
          spec: {
            user: who.user.username,
            uid: who.user.uid,
            groups: who.user.groups,
            extra: who.user.extra,
            nonResourceAttributes: { path, verb },
          },
        },
        timeoutMs: 10_000,
      });
      return sar.status?.allowed === true ? 200 : 403;
    } catch {
      return 500;
    }
  }
}
