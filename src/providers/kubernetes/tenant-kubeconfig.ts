/**
 * A kubeconfig read from a tenant's Secret, vetted and turned into a connection without @kubernetes/client-node:
 * client-node runs `exec` and `auth-provider` plugins and reads `token-file`, `client-certificate`,
 * `client-key` and `certificate-authority` paths on the operator's host, so a namespace admin could run code
 * or send the operator's own files to a server of their choosing. Only inline data is accepted.
 */
import { parse } from "yaml";
import type { KubeConnection } from "../../kube/index.js";
import { StoreConfigError } from "../errors.js";
import { tenantPolicy } from "../tenant-policy.js";

type Obj = Record<string, unknown>;

const INLINE_ONLY = "only inline credentials are accepted";

/** Fields that execute something or read a local file, and what to use instead. */
const REFUSED_USER_FIELDS: Record<string, string> = {
  exec: INLINE_ONLY,
  "auth-provider": INLINE_ONLY,
  tokenFile: `${INLINE_ONLY} (use token)`,
  "token-file": `${INLINE_ONLY} (use token)`,
  "client-certificate": `${INLINE_ONLY} (use client-certificate-data)`,
  "client-key": `${INLINE_ONLY} (use client-key-data)`,
};
const REFUSED_CLUSTER_FIELDS: Record<string, string> = {
  "certificate-authority": `${INLINE_ONLY} (use certificate-authority-data)`,
};

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const present = (v: unknown) => v !== undefined && v !== null && v !== "";

function entries(doc: Obj, list: "clusters" | "users" | "contexts", field: string): Obj[] {
  const v = doc[list];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new StoreConfigError(`${field}: kubeconfig ${list} is not a list`);
  return v.map((e) => (isObj(e) ? e : {}));
}

function optionalString(v: unknown, where: string, field: string): string | undefined {
  if (!present(v)) return undefined;
  if (typeof v !== "string") throw new StoreConfigError(`${field}: kubeconfig ${where} must be a string`);
  return v;
}

function base64Field(v: unknown, where: string, field: string): Buffer | undefined {
  const s = optionalString(v, where, field);
  return s === undefined ? undefined : Buffer.from(s, "base64");
}

/** Refuses every entry's dangerous fields, not only the current context's: nothing in the file is honoured. */
function refuseUnsafeFields(clusters: Obj[], users: Obj[], field: string): void {
  users.forEach((u, i) => {
    const user = isObj(u.user) ? u.user : {};
    for (const [name, why] of Object.entries(REFUSED_USER_FIELDS)) {
      if (present(user[name])) {
        throw new StoreConfigError(`${field}: kubeconfig users[${i}].user.${name} is not allowed: ${why}`);
      }
    }
  });
  clusters.forEach((c, i) => {
    const cluster = isObj(c.cluster) ? c.cluster : {};
    for (const [name, why] of Object.entries(REFUSED_CLUSTER_FIELDS)) {
      if (present(cluster[name])) {
        throw new StoreConfigError(`${field}: kubeconfig clusters[${i}].cluster.${name} is not allowed: ${why}`);
      }
    }
    if (present(cluster["proxy-url"]) && !tenantPolicy().allowKubeconfigProxy) {
      throw new StoreConfigError(
        `${field}: kubeconfig clusters[${i}].cluster.proxy-url is not allowed: the operator runs without --allow-kubeconfig-proxy`,
      );
    }
  });
}

function named(list: Obj[], name: string): { entry: Obj; index: number } | undefined {
  const index = list.findIndex((e) => e.name === name);
  return index < 0 ? undefined : { entry: list[index]!, index };
}

/**
 * The connection the kubeconfig's current context describes. Throws StoreConfigError naming `field` and the
 * offending kubeconfig field; never quotes a value.
 */
export function connectionFromTenantKubeconfig(text: string, field: string): KubeConnection {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    throw new StoreConfigError(`${field}: the referenced key is not a valid kubeconfig`);
  }
  if (!isObj(doc)) throw new StoreConfigError(`${field}: the referenced key is not a valid kubeconfig`);
  const clusters = entries(doc, "clusters", field);
  const users = entries(doc, "users", field);
  const contexts = entries(doc, "contexts", field);
  refuseUnsafeFields(clusters, users, field);

  const currentName = optionalString(doc["current-context"], "current-context", field);
  if (!currentName) throw new StoreConfigError(`${field}: kubeconfig current-context is not set`);
  const ctx = named(contexts, currentName);
  if (!ctx) throw new StoreConfigError(`${field}: kubeconfig current-context names no entry of contexts`);
  const context = isObj(ctx.entry.context) ? ctx.entry.context : {};
  const clusterName = optionalString(context.cluster, `contexts[${ctx.index}].context.cluster`, field);
  const cl = clusterName === undefined ? undefined : named(clusters, clusterName);
  if (!cl) throw new StoreConfigError(`${field}: kubeconfig contexts[${ctx.index}].context.cluster names no cluster`);
  const cluster = isObj(cl.entry.cluster) ? cl.entry.cluster : {};
  const at = `clusters[${cl.index}].cluster`;
  const server = optionalString(cluster.server, `${at}.server`, field);
  if (!server) throw new StoreConfigError(`${field}: kubeconfig ${at}.server is required`);

  const conn: KubeConnection = {
    server,
    ca: base64Field(cluster["certificate-authority-data"], `${at}.certificate-authority-data`, field),
    insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] === true,
  };
  const proxy = optionalString(cluster["proxy-url"], `${at}.proxy-url`, field);
  if (proxy) {
    let url: URL;
    try {
      url = new URL(proxy);
    } catch {
      throw new StoreConfigError(`${field}: kubeconfig ${at}.proxy-url is not a valid URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new StoreConfigError(`${field}: kubeconfig ${at}.proxy-url: only http and https proxies are supported`);
    }
    conn.proxyUrl = proxy;
  }

  const userName = optionalString(context.user, `contexts[${ctx.index}].context.user`, field);
  if (userName === undefined) return conn;
  const us = named(users, userName);
  if (!us) throw new StoreConfigError(`${field}: kubeconfig contexts[${ctx.index}].context.user names no user`);
  const user = isObj(us.entry.user) ? us.entry.user : {};
  const uat = `users[${us.index}].user`;
  conn.token = optionalString(user.token, `${uat}.token`, field)?.trim();
  conn.cert = base64Field(user["client-certificate-data"], `${uat}.client-certificate-data`, field);
  conn.key = base64Field(user["client-key-data"], `${uat}.client-key-data`, field);
  if (!conn.cert !== !conn.key) {
    throw new StoreConfigError(`${field}: kubeconfig ${uat} needs both client-certificate-data and client-key-data`);
  }
  const username = optionalString(user.username, `${uat}.username`, field);
  const password = optionalString(user.password, `${uat}.password`, field);
  const headers: Record<string, string> = {};
  if (!conn.token && username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`;
  }
  const as = optionalString(user.as, `${uat}.as`, field);
  if (as) headers["impersonate-user"] = as;
  if (Object.keys(headers).length > 0) conn.headers = headers;
  return conn;
}
