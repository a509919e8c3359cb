/**
 * The admin identity of a kubeconfig's current context, as the plain HTTPS reads in kube.ts need it: server URL,
 * CA (file or inline data, or insecure-skip-tls-verify) and one of token, client certificate or basic auth.
 * An `exec` (or `auth-provider`) user cannot be reproduced here; such reads go through kubectl instead.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";

export interface ApiCredentials {
  url: string;
  /** PEM of the CA to trust; undefined with insecure-skip-tls-verify. */
  ca?: Buffer;
  insecure?: boolean;
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  username?: string;
  password?: string;
  /** The user authenticates through a plugin: only kubectl can act as it. */
  viaKubectl?: boolean;
}

type Named<T> = { name: string } & T;
type Entry = Record<string, string | boolean | undefined>;

export function readKubeconfig(path: string): ApiCredentials {
  const doc = parse(readFileSync(path, "utf8")) as {
    "current-context"?: string;
    contexts?: Named<{ context: { cluster: string; user: string } }>[];
    clusters?: Named<{ cluster: Entry }>[];
    users?: Named<{ user?: Entry & { exec?: unknown; "auth-provider"?: unknown } }>[];
  };
  const contextName = doc["current-context"];
  const context = doc.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`${path}: no current-context`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`${path}: context ${contextName} names no cluster with a server`);
  const user = doc.users?.find((u) => u.name === context.user)?.user ?? {};
  // Relative file paths in a kubeconfig are relative to the kubeconfig itself.
  const file = (p: string) => readFileSync(isAbsolute(p) ? p : resolve(dirname(path), p));
  const pem = (data: unknown, p: unknown) =>
    typeof data === "string" ? Buffer.from(data, "base64") : typeof p === "string" ? file(p) : undefined;
  const tokenFile = user.tokenFile;
  return {
    url: String(cluster.server).replace(/\/$/, ""),
    ca: pem(cluster["certificate-authority-data"], cluster["certificate-authority"]),
    insecure: cluster["insecure-skip-tls-verify"] === true,
    token:
      typeof user.token === "string"
        ? user.token
        : typeof tokenFile === "string"
          ? file(tokenFile).toString().trim()
          : undefined,
    cert: pem(user["client-certificate-data"], user["client-certificate"]),
    key: pem(user["client-key-data"], user["client-key"]),
    username: typeof user.username === "string" ? user.username : undefined,
    password: typeof user.password === "string" ? user.password : undefined,
    viaKubectl: user.exec !== undefined || user["auth-provider"] !== undefined,
  };
}
