/**
 * The Fortanix DSM (SDKMS) REST calls this provider makes. An application's API key goes in every request as
 * `Authorization: Basic <api key>` (the key is already base64 of "app id:secret"), as the official Go client does.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { httpRequest, jsonBody, statusError } from "../util/http-client.js";

export const DEFAULT_FORTANIX_URL = "https://sdkms.fortanix.com";
const TIMEOUT_MS = 30_000;
const P = "fortanix";

/** The fields of a security object (Sobject) this provider reads. */
export interface Sobject {
  kid?: string;
  name?: string;
  obj_type?: string;
  /** base64 */
  value?: string;
}

export interface FortanixCall {
  ca?: string;
  signal?: AbortSignal;
  deadline?: number;
}

export class FortanixApi {
  private readonly base: string;

  constructor(
    url: string | undefined,
    private readonly apiKey: string,
    private readonly call: FortanixCall,
  ) {
    this.base = (url || DEFAULT_FORTANIX_URL).replace(/\/+$/, "");
  }

  private async send(method: string, path: string, what: string, body?: unknown): Promise<unknown> {
    let res: Awaited<ReturnType<typeof httpRequest>>;
    try {
      res = await httpRequest({
        method,
        url: `${this.base}${path}`,
        headers: {
          authorization: `Basic ${this.apiKey}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        ca: this.call.ca,
        signal: this.call.signal,
        timeoutMs: capTimeout(TIMEOUT_MS, this.call.deadline),
        what: "fortanix response",
      });
    } catch (err) {
      throw new Error(`${P}: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError(P, what, res.status);
    return jsonBody(res, P, what);
  }

  /** POST /crypto/v1/keys/info: a security object's metadata (and value, for opaque objects), by name. */
  info(name: string): Promise<Sobject> {
    return this.send("POST", "/crypto/v1/keys/info", `security object "${name}"`, { name }) as Promise<Sobject>;
  }

  /** POST /crypto/v1/keys/export: the value of an exportable object, by id. */
  export(kid: string, name: string): Promise<Sobject> {
    return this.send("POST", "/crypto/v1/keys/export", `export security object "${name}"`, { kid }) as Promise<Sobject>;
  }

  /** GET /crypto/v1/keys?limit=1: checks the API key with the cheapest authenticated read. */
  async check(): Promise<void> {
    await this.send("GET", "/crypto/v1/keys?limit=1", "authenticate");
  }
}
