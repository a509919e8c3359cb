/**
 * The notification endpoint's settings from the controller command's parsed flags:
 *   --notify-addr=host:port        turn the endpoint on (off by default)
 *   --notify-token-file=path       shared token (or env ESO_NOTIFY_TOKEN)
 *   --notify-tls-cert / --notify-tls-key / --notify-client-ca   HTTPS, and mTLS with a client CA
 *   --notify-rate-limit / --notify-rate-burst   requests per second (and burst) each caller may send
 */
import { readFileSync } from "node:fs";
import type { NotifyServerOptions } from "./server.js";

export type NotifyFlags = Omit<NotifyServerOptions, "target" | "logger" | "confirmSubscription">;

/** Undefined when --notify-addr is absent; throws (naming the flag) on an incomplete setup. */
export function notifyFlags(
  values: Record<string, string | number | boolean>,
  env: NodeJS.ProcessEnv = process.env,
): NotifyFlags | undefined {
  const flag = (name: string) => (values[name] === undefined || values[name] === "" ? undefined : String(values[name]));
  const address = flag("notify-addr");
  if (!address) return undefined;
  const tokenFile = flag("notify-token-file");
  const token = tokenFile ? readFileSync(tokenFile, "utf8").trim() : env.ESO_NOTIFY_TOKEN || undefined;
  const cert = flag("notify-tls-cert");
  const key = flag("notify-tls-key");
  const ca = flag("notify-client-ca");
  if (!!cert !== !!key) throw new Error("--notify-tls-cert and --notify-tls-key: set both or neither");
  if (ca && !cert) throw new Error("--notify-client-ca: needs --notify-tls-cert and --notify-tls-key");
  if (!token && !ca)
    throw new Error("--notify-addr: needs --notify-token-file (or ESO_NOTIFY_TOKEN) or --notify-client-ca");
  const tls =
    cert && key
      ? { cert: readFileSync(cert), key: readFileSync(key), ...(ca ? { clientCA: readFileSync(ca) } : {}) }
      : undefined;
  const rateLimit = {
    ...(values["notify-rate-limit"] !== undefined ? { qps: Number(values["notify-rate-limit"]) } : {}),
    ...(values["notify-rate-burst"] !== undefined ? { burst: Number(values["notify-rate-burst"]) } : {}),
  };
  return { address, ...(token ? { token } : {}), ...(tls ? { tls } : {}), rateLimit };
}
