import type { AkeylessProvider } from "../../api/providers/akeyless.js";
import { NotSupportedError, StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, StoreKind } from "../provider.js";
import { resolveSecretKeyString, serviceAccountToken } from "../resolvers.js";
import { ownServiceAccountToken, refuseOwnTokenForSecretStore } from "../tenant-policy.js";
import { resolveCABundle } from "../webhook/ca.js";
import { AkeylessApi } from "./api.js";
import { AkeylessClient } from "./client.js";

const FIELD = "spec.provider.akeyless";
const OWN_TOKEN_REMEDY = "authSecretRef.kubernetesAuth with serviceAccountRef or secretRef";

/** Builds the /auth request for access-key or Kubernetes authentication. */
async function authParams(spec: AkeylessProvider, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const auth = spec.authSecretRef;
  if (auth?.kubernetesAuth) {
    const k = auth.kubernetesAuth;
    const where = `${FIELD}.authSecretRef.kubernetesAuth`;
    let jwt: string;
    if (k.secretRef) jwt = await resolveSecretKeyString(ctx, { key: "token", ...k.secretRef }, `${where}.secretRef`);
    else if (k.serviceAccountRef)
      jwt = await serviceAccountToken(ctx, k.serviceAccountRef, [], `${where}.serviceAccountRef`);
    else throw new StoreConfigError(`${where}: serviceAccountRef or secretRef is required`);
    return {
      "access-id": k.accessID,
      "access-type": "k8s",
      "k8s-auth-config-name": k.k8sConfName,
      "k8s-service-account-token": Buffer.from(jwt, "utf8").toString("base64"),
    };
  }
  const s = auth?.secretRef;
  if (!s?.accessID || !s.accessType) {
    throw new StoreConfigError(
      `${FIELD}.authSecretRef: secretRef.accessID and secretRef.accessType, or kubernetesAuth, are required`,
    );
  }
  const where = `${FIELD}.authSecretRef.secretRef`;
  const accessId = await resolveSecretKeyString(ctx, s.accessID, `${where}.accessID`);
  const accessType = await resolveSecretKeyString(ctx, s.accessType, `${where}.accessType`);
  if (accessType === "api_key" || accessType === "access_key") {
    if (!s.accessTypeParam)
      throw new StoreConfigError(`${where}.accessTypeParam: is required for access type ${accessType}`);
    const key = await resolveSecretKeyString(ctx, s.accessTypeParam, `${where}.accessTypeParam`);
    return { "access-id": accessId, "access-type": "access_key", "access-key": key };
  }
  if (accessType === "k8s") {
    // As upstream: the k8s access type in secretRef authenticates with the operator's own ServiceAccount token,
    // which only a ClusterSecretStore may send (a SecretStore's gateway URL is chosen by a namespace admin).
    refuseOwnTokenForSecretStore(ctx, `${where}.accessType`, OWN_TOKEN_REMEDY);
    if (!s.accessTypeParam) throw new StoreConfigError(`${where}.accessTypeParam: is required for access type k8s`);
    const confName = await resolveSecretKeyString(ctx, s.accessTypeParam, `${where}.accessTypeParam`);
    const jwt = await ownServiceAccountToken(ctx, `${where}.accessType`, OWN_TOKEN_REMEDY);
    return {
      "access-id": accessId,
      "access-type": "k8s",
      "k8s-auth-config-name": confName,
      "k8s-service-account-token": Buffer.from(jwt, "utf8").toString("base64"),
    };
  }
  throw new NotSupportedError(
    `${where}.accessType: access type "${accessType}" is not supported (use api_key or kubernetesAuth)`,
  );
}

export const akeylessProvider: Provider<AkeylessProvider> = {
  name: "akeyless",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validateSpec(spec: AkeylessProvider, storeKind: StoreKind): string[] {
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
    } else if (auth?.secretRef) {
      for (const f of ["accessID", "accessType"] as const) {
        const ref = auth.secretRef[f];
        if (!ref?.name || !ref.key) errs.push(`${FIELD}.authSecretRef.secretRef.${f}: name and key are required`);
        else if (storeKind === "ClusterSecretStore" && !ref.namespace) {
          errs.push(`${FIELD}.authSecretRef.secretRef.${f}.namespace: is required for a ClusterSecretStore`);
        }
      }
    }
    return errs;
  },
  async newClient(spec: AkeylessProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    const api = new AkeylessApi(spec.akeylessGWApiURL, ca, ctx.signal);
    const token = await api.auth(await authParams(spec, ctx));
    return new AkeylessClient(api, token);
  },
};
