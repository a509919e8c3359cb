/**
 * The "bitwardensecretsmanager" provider: Bitwarden Secrets Manager secrets of one organization and project,
 * through the Bitwarden SDK server (a REST wrapper of Bitwarden's SDK run next to the operator), with a machine
 * account access token.
 */
import type { BitwardenSecretsManagerProvider } from "../../api/providers/bitwardensecretsmanager.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation } from "../provider.js";
import { resolveCABundle, resolveSecretKeyString } from "../resolvers.js";
import { BitwardenClient } from "./client.js";
import { BitwardenSdkServer } from "./transport.js";

const FIELD = "spec.provider.bitwardensecretsmanager";

function checkURL(errors: string[], value: string | undefined, field: string): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    errors.push(`${FIELD}.${field}: is not a valid URL`);
    return undefined;
  }
}

export const bitwardenSecretsManagerProvider: Provider<BitwardenSecretsManagerProvider> = {
  name: "bitwardensecretsmanager",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: BitwardenSecretsManagerProvider): SpecValidation {
    const errors: string[] = [];
    const warnings: string[] = [];
    const ref = spec?.auth?.secretRef?.credentials;
    if (!ref?.name) errors.push(`${FIELD}.auth.secretRef.credentials.name: is required`);
    if (ref && !ref.key) errors.push(`${FIELD}.auth.secretRef.credentials.key: is required`);
    if (!spec?.organizationID) errors.push(`${FIELD}.organizationID: is required`);
    if (!spec?.projectID) errors.push(`${FIELD}.projectID: is required`);
    if (!spec?.bitwardenServerSDKURL)
      errors.push(`${FIELD}.bitwardenServerSDKURL: bitwardenServerSDKURL not configured`);
    const sdkURL = checkURL(errors, spec?.bitwardenServerSDKURL, "bitwardenServerSDKURL");
    if (sdkURL && sdkURL.protocol !== "https:" && sdkURL.protocol !== "http:") {
      errors.push(`${FIELD}.bitwardenServerSDKURL: must be an https URL`);
    } else if (sdkURL?.protocol === "http:") {
      warnings.push(
        `${FIELD}.bitwardenServerSDKURL: the SDK server should be served over HTTPS; the access token is sent in clear`,
      );
    }
    checkURL(errors, spec?.apiURL, "apiURL");
    checkURL(errors, spec?.identityURL, "identityURL");
    if (spec?.caBundle && !/^[A-Za-z0-9+/=\s]+$/.test(spec.caBundle)) {
      errors.push(`${FIELD}.caBundle: is not base64`);
    }
    if (spec && !spec.caProvider && !spec.caBundle) {
      warnings.push(
        `${FIELD}: Neither CA nor CA bundle is configured; user is expected to provide certificate information via volume mount.`,
      );
    }
    return { errors, warnings };
  },
  async newClient(spec: BitwardenSecretsManagerProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const token = await resolveSecretKeyString(
      ctx,
      spec.auth?.secretRef?.credentials,
      `${FIELD}.auth.secretRef.credentials`,
    );
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    const api = new BitwardenSdkServer({
      url: spec.bitwardenServerSDKURL ?? "",
      token,
      apiURL: spec.apiURL,
      identityURL: spec.identityURL,
      ca,
      signal: ctx.signal,
      deadline: ctx.deadline,
    });
    return new BitwardenClient(api, { organizationID: spec.organizationID, projectID: spec.projectID });
  },
};
