/** The IBM Cloud Secrets Manager REST API v2 calls this provider makes, with an IAM bearer token. */
import { capTimeout } from "../../runtime/deadline.js";
import { httpRequest, jsonBody, statusError } from "../util/http-client.js";
import type { IamTokenSource } from "./auth/iam-token.js";

/** Upstream's per-call context timeout. */
const CALL_TIMEOUT_MS = 120_000;

export type IbmSecret = Record<string, unknown>;

export class IbmSecretsManagerApi {
  private readonly base: string;

  constructor(
    serviceUrl: string,
    private readonly tokens: IamTokenSource,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.base = `${serviceUrl.replace(/\/+$/, "")}/api/v2`;
  }

  private async get(path: string, what: string): Promise<IbmSecret> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      let res: Awaited<ReturnType<typeof httpRequest>>;
      try {
        res = await httpRequest({
          url: `${this.base}${path}`,
          headers: { authorization: `Bearer ${token}`, accept: "application/json" },
          signal: this.signal,
          timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
          what: "ibm secrets manager response",
        });
      } catch (err) {
        throw new Error(`ibm: ${what}: request failed: ${(err as Error).message}`);
      }
      // A token revoked before its expiry: exchange again once.
      if (res.status === 401 && attempt === 0) {
        this.tokens.invalidate();
        continue;
      }
      if (res.status >= 300) throw statusError("ibm", what, res.status);
      return jsonBody<IbmSecret>(res, "ibm", what);
    }
  }

  /** GET /api/v2/secrets/{id}. */
  secretById(id: string): Promise<IbmSecret> {
    return this.get(`/secrets/${encodeURIComponent(id)}`, `get secret ${JSON.stringify(id)}`);
  }

  /** GET /api/v2/secret_groups/{group}/secret_types/{type}/secrets/{name}. */
  secretByName(group: string, type: string, name: string): Promise<IbmSecret> {
    const path = `/secret_groups/${encodeURIComponent(group)}/secret_types/${encodeURIComponent(type)}/secrets/${encodeURIComponent(name)}`;
    return this.get(path, `get ${type} secret ${JSON.stringify(name)} in group ${JSON.stringify(group)}`);
  }
}
