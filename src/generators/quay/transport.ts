/**
 * Quay's robot federation endpoint: the robot account name and a ServiceAccount token as basic credentials,
 * answered with a short-lived robot token. Errors name the call and status, never a token or the body.
 */
import { HttpTransportError, httpRequest } from "../../providers/util/http-client.js";
import { GeneratorError } from "../generator.js";

export const ROBOT_TOKEN_PATH = "/oauth2/federation/robot/token";
/** Upstream's client timeout for this call. */
const TIMEOUT_MS = 5_000;
const MAX_BYTES = 256 * 1024;

export interface RobotTokenRequest {
  /** Host (and port, and path prefix) of the Quay instance; the call is always https. */
  host: string;
  robotAccount: string;
  federatedToken: string;
  /** PEM CAs trusted instead of the public roots (a self-hosted Quay with a private CA). */
  ca?: string;
  signal?: AbortSignal;
}

export async function exchangeRobotToken(req: RobotTokenRequest): Promise<string> {
  const call = `quay: GET ${ROBOT_TOKEN_PATH}`;
  const basic = Buffer.from(`${req.robotAccount}:${req.federatedToken}`).toString("base64");
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      url: `https://${req.host.replace(/\/+$/, "")}${ROBOT_TOKEN_PATH}`,
      headers: { authorization: `Basic ${basic}`, accept: "application/json" },
      ca: req.ca,
      timeoutMs: TIMEOUT_MS,
      signal: req.signal,
      maxBytes: MAX_BYTES,
      what: "quay robot token response",
    });
  } catch (err) {
    if (req.signal?.aborted) throw err;
    const detail = err instanceof HttpTransportError ? err.message : (err as Error).message;
    throw new GeneratorError(`spec.url: ${call} failed: ${detail}`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new GeneratorError(
      `spec.robotAccount: ${call} was refused (HTTP ${res.status}): check the robot account's federation (issuer, subject) and spec.serviceAccountRef.audiences`,
    );
  }
  if (res.status !== 200) throw new GeneratorError(`spec.url: ${call}: unexpected HTTP ${res.status}`);
  let token: unknown;
  try {
    token = (JSON.parse(res.body.toString("utf8")) as { token?: unknown })?.token;
  } catch {
    throw new GeneratorError(`${call}: the response is not valid JSON`);
  }
  if (typeof token !== "string" || !token) throw new GeneratorError(`${call}: the response holds no token`);
  return token;
}
