/** The "onepassword" provider: items in 1Password vaults, through a 1Password Connect server. */
import type { OnePasswordProvider } from "../../api/providers/onepassword.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { OnePasswordClient } from "./client.js";
import { newConnectApi } from "./connect.js";

const FIELD = "spec.provider.onepassword";

/** Vault names ordered by their priority number (lower first), ties by name for determinism. */
export function orderedVaults(vaults: Record<string, number>): string[] {
  return Object.entries(vaults ?? {})
    .sort(([a, x], [b, y]) => x - y || a.localeCompare(b))
    .map(([name]) => name);
}

export const onePasswordProvider: Provider<OnePasswordProvider> = {
  name: "onepassword",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: OnePasswordProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const ref = spec?.auth?.secretRef?.connectTokenSecretRef;
    if (!ref?.name) errs.push(`${FIELD}.auth.secretRef.connectTokenSecretRef.name: is required`);
    if (ref && !ref.key) errs.push(`${FIELD}.auth.secretRef.connectTokenSecretRef.key: is required`);
    if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
      errs.push(`${FIELD}.auth.secretRef.connectTokenSecretRef.namespace: is required for a ClusterSecretStore`);
    }
    if (!spec?.connectHost) errs.push(`${FIELD}.connectHost: is required`);
    else {
      try {
        new URL(spec.connectHost);
      } catch {
        errs.push(`${FIELD}.connectHost: is not a valid URL`);
      }
    }
    if (!spec?.vaults || Object.keys(spec.vaults).length === 0)
      errs.push(`${FIELD}.vaults: at least one vault is required`);
    const orders = Object.values(spec?.vaults ?? {});
    if (new Set(orders).size !== orders.length) errs.push(`${FIELD}.vaults: each vault needs a distinct order`);
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: OnePasswordProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const token = await resolveSecretKeyString(
      ctx,
      spec.auth?.secretRef?.connectTokenSecretRef,
      `${FIELD}.auth.secretRef.connectTokenSecretRef`,
    );
    return new OnePasswordClient(
      await newConnectApi(spec.connectHost, token, undefined, ctx.signal),
      orderedVaults(spec.vaults),
    );
  },
};
