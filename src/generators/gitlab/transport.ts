/** The GitLab REST API v4 deploy-token calls: create and revoke, on a project or a group. */
import { httpRequest } from "../../providers/util/http-client.js";
import { redactValues } from "../../template/redact.js";
import { GeneratorError } from "../generator.js";

export const DEFAULT_GITLAB_URL = "https://gitlab.com";
const TIMEOUT_MS = 30_000;
const MAX_DETAIL = 200;

/** Where deploy tokens live: exactly one of a project or a group (numeric ID or unescaped path). */
export interface DeployTokenOwner {
  url?: string;
  projectID?: string;
  groupID?: string;
}

export interface CreateDeployToken {
  name: string;
  scopes: string[];
  username?: string;
  /** RFC 3339, UTC. */
  expiresAt?: string;
}

export interface CreatedDeployToken {
  id: number;
  username: string;
  token: string;
}

/** The deploy-tokens collection URL of the owner; paths are escaped (group/project -> group%2Fproject). */
export function deployTokensUrl(owner: DeployTokenOwner): string {
  const base = `${(owner.url || DEFAULT_GITLAB_URL).replace(/\/+$/, "")}/api/v4`;
  if (owner.projectID && !owner.groupID) return `${base}/projects/${encodeURIComponent(owner.projectID)}/deploy_tokens`;
  if (owner.groupID && !owner.projectID) return `${base}/groups/${encodeURIComponent(owner.groupID)}/deploy_tokens`;
  throw new GeneratorError("spec: exactly one of projectID or groupID must be set");
}

const ownerName = (o: DeployTokenOwner) => (o.projectID ? `project ${o.projectID}` : `group ${o.groupID}`);

/** GitLab's `message` or `error` on an error answer (a string or a field -> problems map), cut short. */
function serviceMessage(body: Buffer, secrets: string[]): string {
  let parsed: { message?: unknown; error?: unknown };
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return "";
  }
  const raw = parsed?.message ?? parsed?.error;
  if (raw === undefined || raw === null) return "";
  const { text, shortValueSeen } = redactValues(typeof raw === "string" ? raw : JSON.stringify(raw), secrets);
  if (shortValueSeen) return "";
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
}

async function call(
  method: "POST" | "DELETE",
  url: string,
  what: string,
  accessToken: string,
  signal: AbortSignal | undefined,
  body?: string,
) {
  try {
    return await httpRequest({
      method,
      url,
      headers: {
        "PRIVATE-TOKEN": accessToken,
        accept: "application/json",
        ...(body ? { "content-type": "application/json" } : {}),
      },
      ...(body ? { body } : {}),
      timeoutMs: TIMEOUT_MS,
      signal,
      what: "gitlab response",
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new GeneratorError(`gitlab: ${what}: request failed: ${(err as Error).message}`);
  }
}

export async function createDeployToken(
  owner: DeployTokenOwner,
  req: CreateDeployToken,
  accessToken: string,
  signal?: AbortSignal,
): Promise<CreatedDeployToken> {
  const what = `create deploy token in ${ownerName(owner)}`;
  const payload = {
    name: req.name,
    scopes: req.scopes,
    ...(req.username ? { username: req.username } : {}),
    ...(req.expiresAt ? { expires_at: req.expiresAt } : {}),
  };
  const res = await call("POST", deployTokensUrl(owner), what, accessToken, signal, JSON.stringify(payload));
  if (res.status < 200 || res.status >= 300) {
    const detail = serviceMessage(res.body, [accessToken]);
    throw new GeneratorError(`gitlab: ${what}: HTTP ${res.status}${detail ? `: ${detail}` : ""}`);
  }
  let body: { id?: unknown; username?: unknown; token?: unknown };
  try {
    body = JSON.parse(res.body.toString("utf8"));
  } catch {
    throw new GeneratorError(`gitlab: ${what}: response is not valid JSON`);
  }
  if (typeof body?.token !== "string" || !body.token) {
    throw new GeneratorError(`gitlab: ${what}: deploy token missing from the response`);
  }
  return {
    id: typeof body.id === "number" ? body.id : 0,
    username: typeof body.username === "string" ? body.username : "",
    token: body.token,
  };
}

/** Revokes one deploy token; one that is already gone (404) counts as revoked. */
export async function revokeDeployToken(
  owner: DeployTokenOwner,
  id: number,
  accessToken: string,
  signal?: AbortSignal,
): Promise<void> {
  const what = `revoke deploy token ${id} of ${ownerName(owner)}`;
  const res = await call("DELETE", `${deployTokensUrl(owner)}/${id}`, what, accessToken, signal);
  if (res.status === 404 || (res.status >= 200 && res.status < 300)) return;
  const detail = serviceMessage(res.body, [accessToken]);
  throw new GeneratorError(`gitlab: ${what}: HTTP ${res.status}${detail ? `: ${detail}` : ""}`);
}
