/** The "akeyless" provider: static, dynamic and rotated secrets through the Akeyless gateway or SaaS API. */
import type { AkeylessProvider } from "../../api/providers/akeyless.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveCABundle } from "../resolvers.js";
import { authParams } from "./auth/resolve.js";
import { AkeylessClient } from "./client.js";
import { AkeylessApi } from "./transport.js";

const FIELD = "spec.provider.akeyless";

export const akeylessProvider: Provider<AkeylessProvider> = {
  name: "akeyless",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: AkeylessProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.akeylessGWApiURL) errs.push(`${FIELD}.akeylessGWApiURL: is required`);
    else {
      try {
        new URL(spec.akeylessGWApiURL);
      } catch {
        errs.push(`${FIELD}.akeylessGWApiURL: is not a valid URL`);
      }
    }
    const auth = spec?.authSecretRef;
    if (!auth?.secretRef && !auth?.kubernetesAuth) {
      errs.push(`${FIELD}.authSecretRef: one of secretRef or kubernetesAuth is required`);
    }
    if (auth?.kubernetesAuth) {
      const k = auth.kubernetesAuth;
      if (!k.accessID) errs.push(`${FIELD}.authSecretRef.kubernetesAuth.accessID: is required`);
      if (!k.k8sConfName) errs.push(`${FIELD}.authSecretRef.kubernetesAuth.k8sConfName: is required`);
      if (!k.serviceAccountRef && !k.secretRef) {
        errs.push(`${FIELD}.authSecretRef.kubernetesAuth: serviceAccountRef or secretRef is required`);
      }
      if (storeKind === "ClusterSecretStore" && k.serviceAccountRef && !k.serviceAccountRef.namespace) {
        errs.push(
          `${FIELD}.authSecretRef.kubernetesAuth.serviceAccountRef.namespace: is required for a ClusterSecretStore`,
        );
      }
    } else if (auth?.secretRef) {
      for (const f of ["accessID", "accessType"] as const) {
        const ref = auth.secretRef[f];
        if (!ref?.name || !ref.key) errs.push(`${FIELD}.authSecretRef.secretRef.${f}: name and key are required`);
        else if (storeKind === "ClusterSecretStore" && !ref.namespace) {
          errs.push(`${FIELD}.authSecretRef.secretRef.${f}.namespace: is required for a ClusterSecretStore`);
        }
      }
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: AkeylessProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    const api = new AkeylessApi(spec.akeylessGWApiURL, ca, ctx.signal, spec.ignoreCache === true);
    const token = await api.auth(await authParams(spec, ctx));
    return new AkeylessClient(api, token);
  },
};
