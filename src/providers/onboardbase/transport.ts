/** The Onboardbase public API calls this provider makes, authenticated with the `api_key` header. */
import { capTimeout } from "../../runtime/deadline.js";
import { httpRequest, jsonBody, statusError } from "../util/http-client.js";

/** Upstream's per-request timeout. */
const TIMEOUT_MS = 20_000;
const P = "onboardbase";

/** One entry of GET /secrets: key and value are passcode-encrypted. */
export interface EncryptedSecret {
  id?: string;
  key: string;
  value: string;
}

export interface OnboardbaseCall {
  signal?: AbortSignal;
  deadline?: number;
}

export class OnboardbaseApi {
  private readonly base: string;

  constructor(
    apiHost: string,
    private readonly apiKey: string,
    private readonly call: OnboardbaseCall,
  ) {
    this.base = apiHost.replace(/\/+$/, "");
  }

  private async get(path: string, what: string): Promise<unknown> {
    let res: Awaited<ReturnType<typeof httpRequest>>;
    try {
      res = await httpRequest({
        url: `${this.base}${path}`,
        headers: { api_key: this.apiKey, accept: "application/json", "user-agent": "onboardbase-external-secrets" },
        signal: this.call.signal,
        timeoutMs: capTimeout(TIMEOUT_MS, this.call.deadline),
        what: "onboardbase response",
      });
    } catch (err) {
      throw new Error(`${P}: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 400) throw statusError(P, what, res.status);
    return jsonBody(res, P, what);
  }

  /** GET /team/members: checks the API key. */
  async teamMembers(): Promise<void> {
    await this.get("/team/members", "authenticate");
  }

  /** GET /secrets?project=&environment=: every secret of one environment, encrypted. */
  async secrets(project: string, environment: string): Promise<EncryptedSecret[]> {
    const q = new URLSearchParams({ project, environment }).toString();
    const what = `list secrets of project "${project}" environment "${environment}"`;
    const body = (await this.get(`/secrets?${q}`, what)) as { data?: { secrets?: EncryptedSecret[] } };
    const list = body?.data?.secrets;
    return Array.isArray(list) ? list : [];
  }
}
