/** BeyondtrustWorkloadCredentialsDynamicSecret (generators.external-secrets.io/v1alpha1). */
import { type Static, Type } from "@sinclair/typebox";
// Spelled through ../../api: the lint rule keeping src/api from importing src/providers matches "../providers".
import { BeyondtrustWorkloadCredentialsProviderSchema } from "../../api/providers/beyondtrust.js";
import { parseDuration } from "../duration.js";
import { SecretStoreRetrySettingsSchema } from "../secretstore.js";

export const BeyondtrustWorkloadCredentialsDynamicSecretSpecSchema = Type.Object({
  controller: Type.Optional(
    Type.String({ description: "The controller class that handles this generator; empty means every controller." }),
  ),
  provider: BeyondtrustWorkloadCredentialsProviderSchema,
  retrySettings: Type.Optional(SecretStoreRetrySettingsSchema),
});
export type BeyondtrustWorkloadCredentialsDynamicSecretSpec = Static<
  typeof BeyondtrustWorkloadCredentialsDynamicSecretSpecSchema
>;

/** As upstream: a version-4 UUID (RFC 4122 variant). */
const SITE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function apiUrlProblem(apiUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return "is not a valid URL";
  }
  if (url.protocol !== "https:") return "must use the https scheme";
  if (!url.hostname) return "must include a host";
  return undefined;
}

/**
 * What upstream refuses before calling the service (the API key reference, apiUrl, siteId, folderPath), plus
 * retrySettings that cannot be applied. Pure, so admission and `eso validate` can run it as the generator does.
 */
export function beyondtrustDynamicSecretIssues(spec: unknown, path = "spec"): { path: string; message: string }[] {
  // The schema reports wrongly typed fields; these checks read only strings and numbers, and skip the rest.
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const s = (spec ?? {}) as Partial<BeyondtrustWorkloadCredentialsDynamicSecretSpec>;
  const p = s.provider;
  const at = `${path}.provider`;
  if (!p) return [{ path: at, message: "is required" }];
  const out: { path: string; message: string }[] = [];
  const issue = (field: string, message: string) => out.push({ path: `${at}.${field}`, message });
  const token = p.auth?.apikey?.token;
  if (!str(token?.name)) issue("auth.apikey.token.name", "is required");
  if (!str(token?.key)) issue("auth.apikey.token.key", "is required");
  const apiUrl = str(p.server?.apiUrl);
  const urlProblem = apiUrl ? apiUrlProblem(apiUrl) : "is required";
  if (urlProblem) issue("server.apiUrl", urlProblem);
  const siteId = str(p.server?.siteId);
  if (!siteId) issue("server.siteId", "is required");
  else if (!SITE_ID.test(siteId)) issue("server.siteId", `must be a UUID, got "${siteId}"`);
  const folderPath = str(p.folderPath);
  if (!folderPath) issue("folderPath", "is required");
  else if (folderPath.endsWith("/")) issue("folderPath", `"${folderPath}" names no dynamic secret after its last "/"`);
  const interval = str(s.retrySettings?.retryInterval);
  if (interval) {
    try {
      if (parseDuration(interval) < 0)
        out.push({ path: `${path}.retrySettings.retryInterval`, message: "must not be negative" });
    } catch (err) {
      out.push({ path: `${path}.retrySettings.retryInterval`, message: (err as Error).message });
    }
  }
  const retries = s.retrySettings?.maxRetries;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0)) {
    out.push({ path: `${path}.retrySettings.maxRetries`, message: "must be a non-negative integer" });
  }
  return out;
}
