/** The "keepersecurity" provider: a Keeper Secrets Manager application, spoken to in its encrypted protocol. */
import type { KeeperSecurityProvider } from "../../api/providers/keepersecurity.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKey } from "../resolvers.js";
import { KeeperClient } from "./client.js";
import { parseKsmConfig } from "./config.js";
import { KeeperApi } from "./transport.js";

const FIELD = "spec.provider.keepersecurity";

export const keeperSecurityProvider: Provider<KeeperSecurityProvider> = {
  name: "keepersecurity",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: KeeperSecurityProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const ref = spec?.authRef;
    if (!ref) errs.push(`${FIELD}.authRef: is required`);
    else {
      if (!ref.name) errs.push(`${FIELD}.authRef.name: is required`);
      if (!ref.key) errs.push(`${FIELD}.authRef.key: is required`);
      if (storeKind === "ClusterSecretStore" && !ref.namespace) {
        errs.push(`${FIELD}.authRef.namespace: is required for a ClusterSecretStore`);
      }
    }
    if (!spec?.folderID) errs.push(`${FIELD}.folderID: is required`);
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: KeeperSecurityProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const raw = await resolveSecretKey(ctx, spec.authRef, `${FIELD}.authRef`);
    const api = new KeeperApi(parseKsmConfig(raw), ctx.signal, ctx.deadline);
    return new KeeperClient(api, spec.folderID);
  },
};
