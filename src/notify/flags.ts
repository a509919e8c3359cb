/**
 * Command-line flags for the notification endpoint, for the controller command:
 *   --notify-addr=host:port        turn the endpoint on (off by default)
 *   --notify-token-file=path       shared token (or env ESO_NOTIFY_TOKEN)
 *   --notify-tls-cert / --notify-tls-key / --notify-client-ca   HTTPS, and mTLS with a client CA
 */
import { readFileSync } from "node:fs";
import type { NotifyServerOptions } from "./server.js";

export type NotifyFlags = Omit<NotifyServerOptions, "target" | "logger" | "confirmSubscription">;

function flag(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** Undefined when --notify-addr is absent; throws (naming the flag) on an incomplete setup. */
export function notifyFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): NotifyFlags | undefined {
  const address = flag(argv, "notify-addr");
  if (!address) return undefined;
  const tokenFile = flag(argv, "notify-token-file");
  const token = tokenFile ? readFileSync(tokenFile, "utf8").trim() : env.ESO_NOTIFY_TOKEN || undefined;
  const cert = flag(argv, "notify-tls-cert");
  const key = flag(argv, "notify-tls-key");
  const ca = flag(argv, "notify-client-ca");
  if (!!cert !== !!key) throw new Error("--notify-tls-cert and --notify-tls-key: set both or neither");
  if (ca && !cert) throw new Error("--notify-client-ca: needs --notify-tls-cert and --notify-tls-key");
  if (!token && !ca)
    throw new Error("--notify-addr: needs --notify-token-file (or ESO_NOTIFY_TOKEN) or --notify-client-ca");
  const tls =
    cert && key
      ? { cert: readFileSync(cert), key: readFileSync(key), ...(ca ? { clientCA: readFileSync(ca) } : {}) }
      : undefined;
  return { address, ...(token ? { token } : {}), ...(tls ? { tls } : {}) };
}
