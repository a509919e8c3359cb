/**
 * A Google-signed identity token (format=full) of the instance's default service account, from the GCE metadata
 * server: the operator's own identity, so callers check the tenant policy first. GCE_METADATA_HOST (Google's own
 * variable, host[:port]) overrides the server.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError } from "../errors.js";
import type { ProviderContext } from "../provider.js";
import { httpRequest, statusError } from "./http-client.js";

const TIMEOUT_MS = 10_000;

function metadataBase(): string {
  const host = process.env.GCE_METADATA_HOST || "metadata.google.internal";
  return /^https?:\/\//.test(host) ? host : `http://${host}`;
}

/** `provider` and `what` name the call in errors; a 404 (no such account) reads as an authentication failure. */
export async function gceIdentityToken(
  provider: string,
  what: string,
  audience: string,
  ctx: ProviderContext,
): Promise<string> {
  const url = new URL(`${metadataBase()}/computeMetadata/v1/instance/service-accounts/default/identity`);
  url.searchParams.set("audience", audience);
  url.searchParams.set("format", "full");
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      url: url.toString(),
      headers: { "Metadata-Flavor": "Google" },
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      signal: ctx.signal,
      what,
    });
  } catch (err) {
    throw new ProviderAuthError(`${provider}: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw statusError(provider, what, res.status === 404 ? 401 : res.status);
  const jwt = res.body.toString("utf8").trim();
  if (!jwt) throw new ProviderAuthError(`${provider}: ${what}: empty response`);
  return jwt;
}
