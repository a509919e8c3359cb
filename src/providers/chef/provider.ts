/** The "chef" provider: Chef Infra Server data bag items, read-only, with requests signed by the client's RSA key. */
import { createPrivateKey, type KeyObject } from "node:crypto";
import type { ChefProvider } from "../../api/providers/chef.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKey } from "../resolvers.js";
import { ChefClient } from "./client.js";
import { ChefApi } from "./transport.js";

const FIELD = "spec.provider.chef";
const KEY_FIELD = `${FIELD}.auth.secretRef.privateKeySecretRef`;

export const chefProvider: Provider<ChefProvider> = {
  name: "chef",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: ChefProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.username) errs.push(`${FIELD}.username: missing username`);
    if (!spec?.serverUrl) errs.push(`${FIELD}.serverUrl: missing serverurl`);
    else if (!spec.serverUrl.endsWith("/")) errs.push(`${FIELD}.serverUrl: serverurl does not end with slash(/)`);
    else {
      try {
        new URL(spec.serverUrl);
      } catch {
        errs.push(`${FIELD}.serverUrl: invalid serverurl`);
      }
    }
    const ref = spec?.auth?.secretRef?.privateKeySecretRef;
    if (!spec?.auth) errs.push(`${FIELD}.auth: cannot initialize Chef Client: no valid authType was specified`);
    else {
      if (!ref?.name) errs.push(`${KEY_FIELD}.name: is required`);
      if (!ref?.key) errs.push(`${KEY_FIELD}.key: is required`);
      if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
        errs.push(`${KEY_FIELD}.namespace: is required for a ClusterSecretStore`);
      }
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: ChefProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ref = spec?.auth?.secretRef?.privateKeySecretRef;
    if (!ref) throw new StoreConfigError(`${KEY_FIELD}: is required`);
    const pem = await resolveSecretKey(ctx, ref, KEY_FIELD);
    if (pem.length === 0) throw new StoreConfigError(`${KEY_FIELD}: missing Secret Key`);
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch {
      throw new StoreConfigError(`${KEY_FIELD}: is not a PEM private key`);
    }
    if (key.asymmetricKeyType !== "rsa") throw new StoreConfigError(`${KEY_FIELD}: is not an RSA private key`);
    if (!spec.serverUrl?.endsWith("/"))
      throw new StoreConfigError(`${FIELD}.serverUrl: serverurl does not end with slash(/)`);
    const api = new ChefApi(spec.serverUrl, spec.username, key, { signal: ctx.signal, deadline: ctx.deadline });
    return new ChefClient(api, spec.username);
  },
};
