/**
 * Instance principal: the node's identity certificate from the instance metadata service, exchanged at the
 * region's auth service (`POST /v1/x509`, signed with the certificate's key) for a session token. This is the
 * operator's host identity, so namespaced stores get it only when the operator allows ambient credentials.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import { httpRequest, jsonBody, statusError } from "../../util/http-client.js";
import { serviceEndpoint } from "../endpoints.js";
import { signRequest } from "../signer.js";
import { ORACLE_SESSIONS, type SessionKeys, type SessionSigner } from "./session.js";

/** Instance metadata service v2; ESO_ORACLE_METADATA_URL overrides it (tests). */
export const ORACLE_METADATA_ENV = "ESO_ORACLE_METADATA_URL";
const DEFAULT_METADATA_URL = "http://169.254.169.254/opc/v2";
const TIMEOUT_MS = 10_000;
const MAX_BYTES = 256 * 1024;

function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
}

async function metadata(path: string, ctx: ProviderContext): Promise<string> {
  const base = (process.env[ORACLE_METADATA_ENV] || DEFAULT_METADATA_URL).replace(/\/+$/, "");
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      url: `${base}${path}`,
      headers: { authorization: "Bearer Oracle" },
      signal: ctx.signal,
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      maxBytes: MAX_BYTES,
      what: "oracle instance metadata",
    });
  } catch (err) {
    throw new Error(`oracle: instance principal: instance metadata ${path}: request failed: ${(err as Error).message}`);
  }
  if (res.status >= 300) throw statusError("oracle", `instance principal: instance metadata ${path}`, res.status);
  return res.body.toString("utf8");
}

/** The tenancy OCID an instance certificate was issued for (its subject's `opc-tenant:` attribute). */
export function certificateTenancy(cert: X509Certificate): string {
  const m = /opc-tenant:([A-Za-z0-9._-]+)/.exec(cert.subject) ?? /opc-identity:([A-Za-z0-9._-]+)/.exec(cert.subject);
  if (!m) throw new ProviderAuthError("oracle: instance principal: the instance certificate names no tenancy");
  return m[1]!;
}

async function federate(region: string, keys: SessionKeys, ctx: ProviderContext): Promise<string> {
  const [leafPem, keyPem, intermediatePem] = await Promise.all([
    metadata("/identity/cert.pem", ctx),
    metadata("/identity/key.pem", ctx),
    metadata("/identity/intermediate.pem", ctx),
  ]);
  let leaf: X509Certificate;
  let leafKey: ReturnType<typeof createPrivateKey>;
  try {
    leaf = new X509Certificate(leafPem);
    leafKey = createPrivateKey(keyPem);
  } catch {
    throw new ProviderAuthError(
      "oracle: instance principal: the instance metadata certificate or key is not valid PEM",
    );
  }
  const tenancy = certificateTenancy(leaf);
  const body = Buffer.from(
    JSON.stringify({
      certificate: pemBody(leafPem),
      publicKey: pemBody(keys.publicPem),
      intermediateCertificates: [pemBody(intermediatePem)],
      purpose: "DEFAULT",
      fingerprintAlgorithm: "SHA256",
    }),
  );
  const url = new URL(`${serviceEndpoint("auth", region)}/v1/x509`);
  const keyId = `${tenancy}/fed-x509-sha256/${leaf.fingerprint256}`;
  const headers = signRequest({ method: "POST", url, body }, keyId, leafKey);
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url: url.toString(),
      headers,
      body,
      signal: ctx.signal,
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      maxBytes: MAX_BYTES,
      what: "oracle federation response",
    });
  } catch (err) {
    throw new Error(`oracle: instance principal: federation request failed: ${(err as Error).message}`);
  }
  if (res.status >= 300) throw statusError("oracle", "instance principal: federation", res.status);
  const token = jsonBody<{ token?: unknown }>(res, "oracle", "instance principal: federation").token;
  if (typeof token !== "string" || !token)
    throw new ProviderAuthError("oracle: instance principal: federation returned no token");
  return token;
}

export function instancePrincipalSigner(region: string, ctx: ProviderContext, field: string): SessionSigner {
  refuseAmbientCredentials(
    ctx,
    field,
    "instance principal",
    "auth (a user principal) or principalType Workload with serviceAccountRef",
  );
  return ctx.caches.get(ORACLE_SESSIONS).get(`instance\n${region}`, (keys) => federate(region, keys, ctx));
}
