/** The "pulumi" provider: one Pulumi ESC environment, read (and pushed to) through the ESC REST API. */
import { DEFAULT_PULUMI_API_URL, type PulumiProvider } from "../../api/providers/pulumi.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveTokenSource } from "./auth/resolve.js";
import { PulumiClient } from "./client.js";
import { PulumiEscApi } from "./transport.js";

const FIELD = "spec.provider.pulumi";

type SecretRefHolder = PulumiProvider["accessToken"];

function checkSecretRef(holder: SecretRefHolder, field: string, storeKind: StoreKind, errs: string[]): void {
  const ref = holder?.secretRef;
  if (!ref) {
    errs.push(`${field}.secretRef: is required`);
    return;
  }
  if (!ref.name) errs.push(`${field}.secretRef.name: is required`);
  if (!ref.key) errs.push(`${field}.secretRef.key: is required`);
  if (storeKind === "ClusterSecretStore" && !ref.namespace) {
    errs.push(`${field}.secretRef.namespace: is required for a ClusterSecretStore`);
  }
}

export const pulumiProvider: Provider<PulumiProvider> = {
  name: "pulumi",
  // Upstream declares the store read-only even though PushSecret writes into the environment.
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: PulumiProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.organization) errs.push(`${FIELD}.organization: is required`);
    if (!spec?.project) errs.push(`${FIELD}.project: is required`);
    if (!spec?.environment) errs.push(`${FIELD}.environment: is required`);
    if (spec?.apiUrl) {
      let ok = false;
      try {
        ok = ["http:", "https:"].includes(new URL(spec.apiUrl).protocol);
      } catch {
        ok = false;
      }
      if (!ok) errs.push(`${FIELD}.apiUrl: is not a valid http(s) URL`);
    }
    const auth = spec?.auth;
    if (auth && spec.accessToken) {
      errs.push(`${FIELD}: exactly one of 'auth' or deprecated 'accessToken' must be specified`);
    } else if (!auth && !spec?.accessToken) {
      errs.push(`${FIELD}: exactly one of 'auth' or deprecated 'accessToken' must be specified`);
    }
    if (auth) {
      if (!!auth.accessToken === !!auth.oidcConfig) {
        errs.push(`${FIELD}.auth: exactly one of 'accessToken' or 'oidcConfig' must be specified`);
      }
      if (auth.accessToken) checkSecretRef(auth.accessToken, `${FIELD}.auth.accessToken`, storeKind, errs);
      const oidc = auth.oidcConfig;
      if (oidc) {
        const f = `${FIELD}.auth.oidcConfig`;
        if (!oidc.organization) errs.push(`${f}.organization: is required`);
        if (!oidc.serviceAccountRef?.name) errs.push(`${f}.serviceAccountRef.name: is required`);
        if (storeKind === "ClusterSecretStore" && !oidc.serviceAccountRef?.namespace) {
          errs.push(`${f}.serviceAccountRef.namespace: is required for a ClusterSecretStore`);
        }
        if (oidc.expirationSeconds !== undefined && oidc.expirationSeconds < 600) {
          errs.push(`${f}.expirationSeconds: must be at least 600`);
        }
      }
    }
    if (spec?.accessToken) checkSecretRef(spec.accessToken, `${FIELD}.accessToken`, storeKind, errs);
    const warnings = spec?.accessToken ? [`${FIELD}.accessToken: is deprecated, use auth.accessToken`] : [];
    return { errors: errs, warnings };
  },
  async newClient(spec: PulumiProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const token = await resolveTokenSource(spec, ctx);
    const env = { organization: spec.organization, project: spec.project, environment: spec.environment };
    const api = new PulumiEscApi(spec.apiUrl || DEFAULT_PULUMI_API_URL, env, token, ctx.signal, ctx.deadline);
    return new PulumiClient(api);
  },
};
