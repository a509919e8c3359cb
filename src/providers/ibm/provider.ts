/** The "ibm" provider: IBM Cloud Secrets Manager (REST API v2), read-only, with an API key or a trusted profile. */
import type { IBMProvider } from "../../api/providers/ibm.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { IamTokenSource, IBM_IAM_TOKENS } from "./auth/iam-token.js";
import { resolveGrant } from "./auth/resolve.js";
import { IbmClient } from "./client.js";
import { IbmSecretsManagerApi } from "./transport.js";

const FIELD = "spec.provider.ibm";
const IAM_TIMEOUT_MS = 30_000;

function checkUrl(value: string | undefined, field: string, errs: string[]): void {
  if (!value) return;
  try {
    const u = new URL(value);
    if (u.protocol !== "https:" && u.protocol !== "http:") errs.push(`${field}: must be an http(s) URL`);
  } catch {
    errs.push(`${field}: is not a valid URL`);
  }
}

export const ibmProvider: Provider<IBMProvider> = {
  name: "ibm",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: IBMProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const warnings: string[] = [];
    if (!spec?.serviceUrl) errs.push(`${FIELD}.serviceUrl: is required`);
    checkUrl(spec?.serviceUrl, `${FIELD}.serviceUrl`, errs);
    const container = spec?.auth?.containerAuth;
    const secretRef = spec?.auth?.secretRef;
    if (!container && !secretRef) errs.push(`${FIELD}.auth: missing auth method`);
    if (container && secretRef) errs.push(`${FIELD}.auth: too many auth methods defined`);
    if (container) {
      if (!container.profile) errs.push(`${FIELD}.auth.containerAuth.profile: container auth profile cannot be empty`);
      checkUrl(container.iamEndpoint, `${FIELD}.auth.containerAuth.iamEndpoint`, errs);
      if (storeKind === "SecretStore") {
        warnings.push(
          `${FIELD}.auth.containerAuth: uses the operator's compute-resource token; a SecretStore may use it only with the default tokenLocation and iamEndpoint, and not when the operator refuses ambient credentials`,
        );
      }
    } else if (secretRef) {
      const ref = secretRef.secretApiKeySecretRef;
      const f = `${FIELD}.auth.secretRef.secretApiKeySecretRef`;
      if (!ref?.name) errs.push(`${f}.name: cannot be empty`);
      if (!ref?.key) errs.push(`${f}.key: cannot be empty`);
      if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
        errs.push(`${f}.namespace: is required for a ClusterSecretStore`);
      }
      checkUrl(secretRef.iamEndpoint, `${FIELD}.auth.secretRef.iamEndpoint`, errs);
    }
    return { errors: errs, warnings };
  },
  async newClient(spec: IBMProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec?.serviceUrl) throw new StoreConfigError(`${FIELD}.serviceUrl: is required`);
    const { endpoint, grant } = await resolveGrant(spec, ctx);
    const tokens = new IamTokenSource(endpoint, grant, ctx.caches.get(IBM_IAM_TOKENS), {
      signal: ctx.signal,
      timeoutMs: IAM_TIMEOUT_MS,
      deadline: ctx.deadline,
    });
    const api = new IbmSecretsManagerApi(spec.serviceUrl, tokens, ctx.signal, ctx.deadline);
    return new IbmClient(api, tokens);
  },
};
