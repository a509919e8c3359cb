/**
 * OKE workload identity: a ServiceAccount token presented to the cluster's proxymux
 * (`https://$KUBERNETES_SERVICE_HOST:12250/resourcePrincipalSessionTokens`, trusted through the cluster CA)
 * with a session public key, for a resource principal session token. With serviceAccountRef the token comes
 * from the TokenRequest API (audience "api" plus the ref's audiences) in the store's namespace; without it,
 * the operator's own token is used, which only a ClusterSecretStore may do (tenant-policy.ts).
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { OracleProvider } from "../../../api/providers/oracle.js";
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError, StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { refNamespace } from "../../resolvers.js";
import { ownServiceAccountToken } from "../../tenant-policy.js";
import { httpRequest, statusError } from "../../util/http-client.js";
import { ORACLE_SESSIONS, type SessionKeys, type SessionSigner } from "./session.js";

/** Overrides the proxymux base URL (tests); the CA path follows the OCI SDKs' variable. */
export const ORACLE_PROXYMUX_ENV = "ESO_ORACLE_PROXYMUX_URL";
export const ORACLE_CLUSTER_CA_ENV = "OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH";
const DEFAULT_CA_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
const TIMEOUT_MS = 10_000;

type ServiceAccountRef = NonNullable<OracleProvider["serviceAccountRef"]>;

function proxymuxUrl(): string {
  const override = process.env[ORACLE_PROXYMUX_ENV];
  if (override) return `${override.replace(/\/+$/, "")}/resourcePrincipalSessionTokens`;
  const host = process.env.KUBERNETES_SERVICE_HOST;
  if (!host)
    throw new StoreConfigError("oracle: workload identity: KUBERNETES_SERVICE_HOST is not set (not running in OKE)");
  return `https://${host.includes(":") ? `[${host}]` : host}:12250/resourcePrincipalSessionTokens`;
}

/** The proxymux answers with base64 (sometimes as a JSON string) of `{"token": "ST$<token>"}`. */
export function parseProxymuxToken(body: string): string | undefined {
  let text = body.trim();
  if (text.startsWith('"')) {
    try {
      text = JSON.parse(text) as string;
    } catch {
      return undefined;
    }
  }
  try {
    const decoded = JSON.parse(Buffer.from(text, "base64").toString("utf8")) as { token?: unknown };
    if (typeof decoded.token !== "string" || decoded.token.length <= 3) return undefined;
    return decoded.token.slice(3);
  } catch {
    return undefined;
  }
}

async function exchange(saToken: string, keys: SessionKeys, ctx: ProviderContext): Promise<string> {
  const caPath = process.env[ORACLE_CLUSTER_CA_ENV] || DEFAULT_CA_PATH;
  let ca: string;
  try {
    ca = await readFile(caPath, "utf8");
  } catch (err) {
    throw new StoreConfigError(
      `oracle: workload identity: cannot read the cluster CA at ${caPath}: ${(err as NodeJS.ErrnoException).code ?? "read failed"}`,
    );
  }
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url: proxymuxUrl(),
      headers: {
        authorization: `Bearer ${saToken}`,
        "content-type": "application/json",
        "opc-request-id": randomUUID(),
      },
      body: JSON.stringify({ podKey: keys.publicPem }),
      ca,
      signal: ctx.signal,
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      maxBytes: 256 * 1024,
      what: "oracle proxymux response",
    });
  } catch (err) {
    if (err instanceof StoreConfigError) throw err;
    throw new Error(`oracle: workload identity: request failed: ${(err as Error).message}`);
  }
  if (res.status >= 300) throw statusError("oracle", "workload identity: resource principal session token", res.status);
  const token = parseProxymuxToken(res.body.toString("utf8"));
  if (!token) throw new ProviderAuthError("oracle: workload identity: the proxymux returned no session token");
  return token;
}

export async function workloadSigner(
  region: string,
  ref: ServiceAccountRef | undefined,
  ctx: ProviderContext,
  field: string,
): Promise<SessionSigner> {
  const sessions = ctx.caches.get(ORACLE_SESSIONS);
  if (!ref) {
    // Read now, so a SecretStore is refused before anything is cached or sent.
    await ownServiceAccountToken(ctx, `${field}.serviceAccountRef`, "serviceAccountRef");
    return sessions.get(`workload\n${region}\noperator`, async (keys) =>
      exchange(await ownServiceAccountToken(ctx, `${field}.serviceAccountRef`, "serviceAccountRef"), keys, ctx),
    );
  }
  if (!ref.name) throw new StoreConfigError(`${field}.serviceAccountRef.name: is required`);
  const ns = refNamespace(ctx, ref, `${field}.serviceAccountRef`);
  const audiences = ["api", ...(ref.audiences ?? [])];
  return sessions.get(`workload\n${region}\n${ns}/${ref.name}\n${audiences.join(",")}`, async (keys) =>
    exchange(await ctx.kube.createServiceAccountToken(ns, ref.name, audiences, 3600), keys, ctx),
  );
}
