import { readFile } from "node:fs/promises";
import { ProviderAuthError } from "../../errors.js";
import { gcpEndpoints } from "./endpoints.js";
import type { CallScope } from "./scope.js";
import { serviceAccountKeySource } from "./service-account-key.js";
import { type TokenSource, tokenCall } from "./token-source.js";

/** Application default credentials: GOOGLE_APPLICATION_CREDENTIALS (a key file), else the metadata server. */
export function defaultCredentialsSource(call: CallScope): TokenSource {
  const file = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  if (file) {
    let inner: TokenSource | undefined;
    return async () => {
      if (!inner) inner = serviceAccountKeySource(await readFile(file, "utf8"), "GOOGLE_APPLICATION_CREDENTIALS", call);
      return inner();
    };
  }
  return async () => {
    const r = await tokenCall(
      `${gcpEndpoints.metadata()}/computeMetadata/v1/instance/service-accounts/default/token`,
      { headers: { "Metadata-Flavor": "Google" } },
      "metadata server token",
      call,
    );
    if (!r.access_token) {
      throw new ProviderAuthError(`${call.label}: metadata server token: response carries no access_token`);
    }
    return { token: r.access_token, expiresAt: Date.now() + Number(r.expires_in ?? 3600) * 1000 };
  };
}
