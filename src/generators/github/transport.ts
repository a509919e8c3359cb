/** The one GitHub REST call this generator makes: create an installation access token. */
import { httpRequest } from "../../providers/util/http-client.js";
import { redactValues } from "../../template/redact.js";
import { GeneratorError } from "../generator.js";

export const DEFAULT_GITHUB_API = "https://api.github.com";
const TIMEOUT_MS = 30_000;
const MAX_DETAIL = 200;

export interface InstallationTokenRequest {
  /** API base, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  baseUrl: string;
  installID: string;
  appJwt: string;
  repositories?: string[];
  permissions?: Record<string, string>;
  signal?: AbortSignal;
}

export interface InstallationToken {
  token: string;
  expiresAt?: string;
}

/** GitHub's `message` on an error answer (it names the cause, e.g. an inaccessible repository), cut short. */
function serviceMessage(body: Buffer, secrets: string[]): string {
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
        // GitHub refuses requests without a User-Agent.
        "user-agent": "external-secrets-ts",
        ...(hasBody ? { "content-type": "application/json" } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(payload) } : {}),
      timeoutMs: TIMEOUT_MS,
      signal: req.signal,
      what: "github response",
    });
  } catch (err) {
    if (req.signal?.aborted) throw err;
    throw new GeneratorError(`${call}: request failed: ${(err as Error).message}`);
  }
  if (res.status < 200 || res.status >= 300) {
    const detail = serviceMessage(res.body, [req.appJwt]);
    throw new GeneratorError(`${call}: HTTP ${res.status}${detail ? `: ${detail}` : ""}`);
  }
  let body: { token?: unknown; expires_at?: unknown };
  try {
    body = JSON.parse(res.body.toString("utf8"));
  } catch {
    throw new GeneratorError(`${call}: response is not valid JSON`);
  }
  if (typeof body?.token !== "string" || !body.token) {
    throw new GeneratorError(`${call}: response has no token`);
  }
  return { token: body.token, ...(typeof body.expires_at === "string" ? { expiresAt: body.expires_at } : {}) };
}
