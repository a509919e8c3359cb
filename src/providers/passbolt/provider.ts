/** The "passbolt" provider: Passbolt resources, read-only, with the user's OpenPGP key (GPGAuth login). */
import type { PassboltProvider } from "../../api/providers/passbolt.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveCABundle, resolveSecretKey } from "../resolvers.js";
import { PassboltClient } from "./client.js";
import { UserKey } from "./pgp.js";
import { PassboltApi } from "./transport.js";

const FIELD = "spec.provider.passbolt";
const TIMEOUT_MS = 30_000;

export const passboltProvider: Provider<PassboltProvider> = {
  name: "passbolt",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: PassboltProvider, storeKind: StoreKind): SpecValidation {
    const errors: string[] = [];
    if (!spec?.auth) errors.push(`${FIELD}.auth: is required`);
    for (const name of ["passwordSecretRef", "privateKeySecretRef"] as const) {
      const ref = spec?.auth?.[name];
      if (!spec?.auth) break;
      if (!ref?.name || !ref.key) errors.push(`${FIELD}.auth.${name}: name and key are required`);
      else if (storeKind === "ClusterSecretStore" && !ref.namespace) {
        errors.push(`${FIELD}.auth.${name}.namespace: is required for a ClusterSecretStore`);
      }
    }
    if (!spec?.host) errors.push(`${FIELD}.host: is required`);
    else {
      let url: URL | undefined;
      try {
        url = new URL(spec.host);
      } catch {
        errors.push(`${FIELD}.host: is not a valid URL`);
      }
      if (url && url.protocol !== "https:") errors.push(`${FIELD}.host: host Url has to be https scheme`);
    }
    return { errors, warnings: [] };
  },
  async newClient(spec: PassboltProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const issues = passboltProvider.validate(spec, ctx.storeKind).errors;
    if (issues.length) throw new StoreConfigError(issues[0]);
    const password = (
      await resolveSecretKey(ctx, spec.auth.passwordSecretRef, `${FIELD}.auth.passwordSecretRef`)
    ).toString("utf8");
    const armored = (
      await resolveSecretKey(ctx, spec.auth.privateKeySecretRef, `${FIELD}.auth.privateKeySecretRef`)
    ).toString("utf8");
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    const key = await UserKey.load(armored, password, `${FIELD}.auth`);
    const api = new PassboltApi({
      host: spec.host,
      ca,
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      signal: ctx.signal,
    });
    return new PassboltClient(api, key);
  },
};
