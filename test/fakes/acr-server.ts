/**
 * A loopback Azure Container Registry token service (HTTPS, self-signed certificate) in front of the Entra ID
 * fake of azurekv-server.ts: POST /oauth2/exchange accepts only an access token that fake issued, for one of the
 * management resources ACR accepts, and returns a refresh token; POST /oauth2/token accepts only a refresh token
 * issued here and returns an access token for the requested scope. Both check the form (grant_type, service =
 * this registry's host, content type), as ACR does; faults are injected per request.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { type AzureKVFake, selfSignedCert, startAzureKVFake } from "./azurekv-server.js";

/** The public cloud's Resource Manager and service management resources (as tokens carry them, no slash). */
export const PUBLIC_CLOUD_RESOURCES = ["https://management.azure.com", "https://management.core.windows.net"];

export interface AcrExchange {
  tenant: string;
  /** The resource of the Entra ID token that was exchanged. */
  resource: string;
  refreshToken: string;
}

export interface AcrFake {
  /** host:port, what spec.registry names. */
  registry: string;
  /** The registry's CA and the Entra ID fake's, one PEM bundle (ESO_AZURE_CA_BUNDLE). */
  caPem: string;
  /** The Entra ID (and IMDS) fake whose tokens the registry accepts. */
  aad: AzureKVFake;
  /** Resources an exchanged Entra ID token may be for. */
  acceptedResources: Set<string>;
  exchanges: AcrExchange[];
  accessTokens: { scope: string; token: string }[];
  /** Statuses answered, in order, instead of the next registry requests (to `path` only, when given); 0 never answers. */
  faults: { status: number; path?: "/oauth2/exchange" | "/oauth2/token" }[];
  /** "POST /oauth2/exchange", ... */
  requests: string[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

const acrError = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { errors: [{ code, message }] });

export async function startAcrFake(tenantId = "tenant-1"): Promise<AcrFake> {
  const aad = await startAzureKVFake(tenantId);
  // Its own subject name: two CAs of one name in a bundle make certificate chain lookups pick the wrong one.
  const tls = selfSignedCert("acr-fake-registry", ["127.0.0.1"]);
  const refreshTokens = new Set<string>();
  const fake: AcrFake = {
    registry: "",
    caPem: `${tls.certPem}\n${aad.caPem}`,
    aad,
    acceptedResources: new Set(PUBLIC_CLOUD_RESOURCES),
    exchanges: [],
    accessTokens: [],
    faults: [],
    requests: [],
    close: async () => {},
  };

  function exchange(res: ServerResponse, form: URLSearchParams) {
    if (form.get("grant_type") !== "access_token") {
      return acrError(res, 400, "UNSUPPORTED", "grant_type must be access_token");
    }
    const resource = aad.tokenResource(form.get("access_token") ?? "");
    if (!resource) return acrError(res, 401, "UNAUTHORIZED", "invalid Entra ID access token");
    if (!fake.acceptedResources.has(resource)) {
      return acrError(res, 401, "UNAUTHORIZED", "the access token's audience is not accepted");
    }
    const tenant = form.get("tenant") ?? "";
    if (tenant && tenant !== aad.tenantId) return acrError(res, 401, "UNAUTHORIZED", "tenant mismatch");
    const refreshToken = `acr-rt-${randomUUID()}`;
    refreshTokens.add(refreshToken);
    fake.exchanges.push({ tenant, resource, refreshToken });
    send(res, 200, { refresh_token: refreshToken });
  }

  function token(res: ServerResponse, form: URLSearchParams) {
    if (form.get("grant_type") !== "refresh_token") {
      return acrError(res, 400, "UNSUPPORTED", "grant_type must be refresh_token");
    }
    if (!refreshTokens.has(form.get("refresh_token") ?? "")) {
      return acrError(res, 401, "UNAUTHORIZED", "invalid refresh token");
    }
    const scope = form.get("scope") ?? "";
    if (!scope) return acrError(res, 400, "INVALID_SCOPE", "scope is required");
    const accessToken = `acr-at-${randomUUID()}`;
    fake.accessTokens.push({ scope, token: accessToken });
    send(res, 200, { access_token: accessToken });
  }

  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, async (req, res) => {
    const path = new URL(req.url ?? "/", "https://127.0.0.1").pathname;
    const body = await readBody(req);
    fake.requests.push(`${req.method} ${path}`);
    const i = fake.faults.findIndex((f) => !f.path || f.path === path);
    if (i >= 0) {
      const [fault] = fake.faults.splice(i, 1);
      if (fault!.status === 0) return;
      return acrError(res, fault!.status, "FAULT", `injected ${fault!.status}`);
    }
    if (req.method !== "POST" || (path !== "/oauth2/exchange" && path !== "/oauth2/token")) {
      return acrError(res, 404, "NOT_FOUND", "unknown endpoint");
    }
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return acrError(res, 400, "UNSUPPORTED", "expected a form body");
    }
    const form = new URLSearchParams(body);
    if (form.get("service") !== fake.registry) return acrError(res, 400, "INVALID_SERVICE", "service mismatch");
    return path === "/oauth2/exchange" ? exchange(res, form) : token(res, form);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = async () => {
    server.closeAllConnections();
    await Promise.all([new Promise<void>((r) => server.close(() => r())), aad.close()]);
  };
  return fake;
}
