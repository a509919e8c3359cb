/**
 * The OCI REST calls this provider makes, each signed with the store's credentials: Secrets (20190301)
 * GetSecretBundleByName; Vault (20180608) ListSecrets, CreateSecret, UpdateSecret, ScheduleSecretDeletion; KMS
 * (20180608) GetVault. Errors carry the operation and OCI's error code, never a body.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { httpRequest, jsonBody } from "../util/http-client.js";
import { type OciService, serviceEndpoint } from "./endpoints.js";
import { type RequestSigner, signRequest } from "./signer.js";

const CALL_TIMEOUT_MS = 60_000;

export interface SecretBundle {
  secretId: string;
  versionNumber?: number;
  stages?: string[];
  timeOfDeletion?: string;
  secretBundleContent?: { contentType?: string; content?: string };
}

export interface SecretSummary {
  id: string;
  secretName: string;
  freeformTags?: Record<string, string>;
  timeOfDeletion?: string;
  lifecycleState?: string;
}

/** An OCI answer outside 2xx: the status and OCI's error code (e.g. NotAuthorizedOrNotFound). */
export class OciServiceError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

function ociError(what: string, status: number, code: string): Error {
  const detail = code ? ` (${code})` : "";
  const msg = `oracle: ${what}: HTTP ${status}${detail}`;
  if (status === 401) return new ProviderAuthError(`oracle: ${what}: authentication failed (HTTP 401${detail})`);
  if (status === 404) return new NoSecretError(`oracle: ${what}: not found (HTTP 404${detail})`);
  if (status === 429) return new ProviderThrottledError(`oracle: ${what}: rate limited (HTTP 429)`);
  return new OciServiceError(msg, status, code);
}

export class OciVaultApi {
  constructor(
    private readonly region: string,
    private readonly signer: RequestSigner,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {}

  private async call<T>(
    service: OciService,
    method: string,
    path: string,
    what: string,
    body?: unknown,
  ): Promise<{ body: T; headers: Record<string, string | string[] | undefined> }> {
    const url = new URL(`${serviceEndpoint(service, this.region)}${path}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    for (let attempt = 0; ; attempt++) {
      const { keyId, key } = await this.signer.credentials();
      const headers = signRequest({ method, url, body: payload }, keyId, key);
      let res: Awaited<ReturnType<typeof httpRequest>>;
      try {
        res = await httpRequest({
          method,
          url: url.toString(),
          headers: { ...headers, accept: "application/json" },
          body: payload,
          signal: this.signal,
          timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
          what: "oracle response",
        });
      } catch (err) {
        throw new Error(`oracle: ${what}: request failed: ${(err as Error).message}`);
      }
      // A session token can lapse between refreshes: obtain a new one once.
      if (res.status === 401 && attempt === 0 && this.signer.invalidate) {
        this.signer.invalidate();
        continue;
      }
      if (res.status >= 300) {
        let code = "";
        try {
          const e = JSON.parse(res.body.toString("utf8")) as { code?: unknown };
          if (typeof e.code === "string" && /^[A-Za-z]{1,64}$/.test(e.code)) code = e.code;
        } catch {
          // not JSON: the status alone says enough
        }
        throw ociError(what, res.status, code);
      }
      const parsed = res.body.length ? jsonBody<T>(res, "oracle", what) : (undefined as T);
      return { body: parsed, headers: res.headers };
    }
  }

  async secretBundleByName(vaultId: string, name: string, stage?: string): Promise<SecretBundle> {
    const q = new URLSearchParams({ secretName: name, vaultId });
    if (stage) q.set("stage", stage);
    const r = await this.call<SecretBundle>(
      "secrets",
      "GET",
      `/20190301/secretbundles/actions/getByName?${q}`,
      `get secret ${JSON.stringify(name)}`,
    );
    return r.body;
  }

  async listSecrets(compartmentId: string, vaultId: string): Promise<SecretSummary[]> {
    const out: SecretSummary[] = [];
    let page: string | undefined;
    do {
      const q = new URLSearchParams({ compartmentId, vaultId });
      if (page) q.set("page", page);
      const r = await this.call<SecretSummary[]>("vaults", "GET", `/20180608/secrets?${q}`, "list secrets");
      out.push(...(r.body ?? []));
      const next = r.headers["opc-next-page"];
      page = typeof next === "string" && next ? next : undefined;
    } while (page);
    return out;
  }

  async createSecret(details: {
    compartmentId: string;
    vaultId: string;
    keyId: string;
    secretName: string;
    content: string;
  }): Promise<void> {
    await this.call("vaults", "POST", "/20180608/secrets", `create secret ${JSON.stringify(details.secretName)}`, {
      compartmentId: details.compartmentId,
      secretName: details.secretName,
      vaultId: details.vaultId,
      keyId: details.keyId,
      secretContent: { contentType: "BASE64", content: details.content },
    });
  }

  async updateSecret(secretId: string, name: string, content: string): Promise<void> {
    await this.call(
      "vaults",
      "PUT",
      `/20180608/secrets/${encodeURIComponent(secretId)}`,
      `update secret ${JSON.stringify(name)}`,
      {
        secretContent: { contentType: "BASE64", content },
      },
    );
  }

  async scheduleSecretDeletion(secretId: string, name: string, timeOfDeletion?: Date): Promise<void> {
    await this.call(
      "vaults",
      "POST",
      `/20180608/secrets/${encodeURIComponent(secretId)}/actions/scheduleDeletion`,
      `schedule deletion of secret ${JSON.stringify(name)}`,
      timeOfDeletion ? { timeOfDeletion: timeOfDeletion.toISOString() } : {},
    );
  }

  async getVault(vaultId: string): Promise<void> {
    await this.call("kms", "GET", `/20180608/vaults/${encodeURIComponent(vaultId)}`, "get vault");
  }
}
