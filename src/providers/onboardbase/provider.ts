/** The "onboardbase" provider: one Onboardbase project environment, read-only, with an API key and its passcode. */
import { DEFAULT_ONBOARDBASE_API_HOST, type OnboardbaseProvider } from "../../api/providers/onboardbase.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { OnboardbaseClient } from "./client.js";
import { OnboardbaseApi } from "./transport.js";

const FIELD = "spec.provider.onboardbase";

function checkRef(
  errs: string[],
  ref: { name?: string; key?: string; namespace?: string } | undefined,
  field: string,
  storeKind: StoreKind,
): void {
  if (!ref?.name) errs.push(`${field}.name: is required`);
  if (ref && !ref.key) errs.push(`${field}.key: is required`);
  if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
    errs.push(`${field}.namespace: is required for a ClusterSecretStore`);
  }
}

export const onboardbaseProvider: Provider<OnboardbaseProvider> = {
  name: "onboardbase",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: OnboardbaseProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.auth) errs.push(`${FIELD}.auth: is required`);
    else {
      checkRef(errs, spec.auth.apiKeyRef, `${FIELD}.auth.apiKeyRef`, storeKind);
      checkRef(errs, spec.auth.passcodeRef, `${FIELD}.auth.passcodeRef`, storeKind);
    }
    if (spec?.apiHost) {
      try {
        const u = new URL(spec.apiHost);
        if (u.protocol !== "https:" && u.protocol !== "http:") errs.push(`${FIELD}.apiHost: must be an http(s) URL`);
      } catch {
        errs.push(`${FIELD}.apiHost: is not a valid URL`);
      }
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: OnboardbaseProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const apiKey = await resolveSecretKeyString(ctx, spec.auth?.apiKeyRef, `${FIELD}.auth.apiKeyRef`);
    const passcode = await resolveSecretKeyString(ctx, spec.auth?.passcodeRef, `${FIELD}.auth.passcodeRef`);
    const api = new OnboardbaseApi(spec.apiHost || DEFAULT_ONBOARDBASE_API_HOST, apiKey, {
      signal: ctx.signal,
      deadline: ctx.deadline,
    });
    return new OnboardbaseClient(api, passcode, spec.project || "development", spec.environment || "development");
  },
};
