/** Exchanges a GitHub App JWT for an installation access token (POST /app/installations/:id/access_tokens). */
import { redactValues } from "../../../template/redact.js";
import { httpRequest } from "../../util/http-client.js";
import { GithubAppError } from "./errors.js";

export const DEFAULT_GITHUB_API = "https://api.github.com";
/** GitHub refuses requests without a User-Agent. */
export const GITHUB_USER_AGENT = "external-secrets-ts";
const TIMEOUT_MS = 30_000;
const MAX_DETAIL = 200;

export interface InstallationTokenRequest {
  /** API base, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  baseUrl: string;
  installID: string;
  appJwt: string;
  repositories?: string[];
  permissions?: Record<string, string>;
  /** Per-call timeout (default 30 s). */
  timeoutMs?: number;
  /** PEM CA bundle for a GitHub Enterprise Server with a private CA. */
  ca?: string;
  signal?: AbortSignal;
}

export interface InstallationToken {
  token: string;
  expiresAt?: string;
}

/** GitHub's `message` on an error answer (it names the cause, e.g. an inaccessible repository), cut short. */
export function githubServiceMessage(body: Buffer, secrets: string[]): string {
  let message: unknown;
  try {
    message = (JSON.parse(body.toString("utf8")) as { message?: unknown })?.message;
  } catch {
    return "";
  }
  if (typeof message !== "string" || !message) return "";
  const { text, shortValueSeen } = redactValues(message, secrets);
  if (shortValueSeen) return "";
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
}

/** Throws GithubAppError (with GitHub's status) on a refusal; an abort of `signal` propagates as is. */
export async function createInstallationToken(req: InstallationTokenRequest): Promise<InstallationToken> {
  const path = `/app/installations/${encodeURIComponent(req.installID)}/access_tokens`;
  const call = `github: POST ${path}`;
  const payload: Record<string, unknown> = {};
  if (req.permissions) payload.permissions = req.permissions;
  if (req.repositories?.length) payload.repositories = req.repositories;
  const hasBody = Object.keys(payload).length > 0;
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url: `${req.baseUrl.replace(/\/+$/, "")}${path}`,
      headers: {
        authorization: `Bearer ${req.appJwt}`,
        accept: "application/vnd.github.v3+json",
        "user-agent": GITHUB_USER_AGENT,
        ...(hasBody ? { "content-type": "application/json" } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(payload) } : {}),
      ...(req.ca ? { ca: req.ca } : {}),
      timeoutMs: req.timeoutMs ?? TIMEOUT_MS,
      signal: req.signal,
      what: "github response",
    });
  } catch (err) {
    if (req.signal?.aborted) throw err;
    throw new GithubAppError(`${call}: request failed: ${(err as Error).message}`);
  }
  if (res.status < 200 || res.status >= 300) {
    const detail = githubServiceMessage(res.body, [req.appJwt]);
    throw new GithubAppError(`${call}: HTTP ${res.status}${detail ? `: ${detail}` : ""}`, res.status);
  }
  let body: { token?: unknown; expires_at?: unknown };
  try {
    body = JSON.parse(res.body.toString("utf8"));
  } catch {
    throw new GithubAppError(`${call}: response is not valid JSON`, res.status);
  }
  if (typeof body?.token !== "string" || !body.token) {
    throw new GithubAppError(`${call}: response has no token`, res.status);
  }
  return { token: body.token, ...(typeof body.expires_at === "string" ? { expiresAt: body.expires_at } : {}) };
}
