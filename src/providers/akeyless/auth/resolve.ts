/** The /auth request for the store's authentication: an access key, Kubernetes auth or a cloud identity. */
import type { AkeylessProvider } from "../../../api/providers/akeyless.js";
import { NotSupportedError, StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { accessKeyAuth } from "./access-key.js";
import { cloudIdAuth, isCloudAccessType } from "./cloud-id.js";
import { kubernetesAuth, ownTokenAuth } from "./kubernetes.js";

const FIELD = "spec.provider.akeyless";

export async function authParams(spec: AkeylessProvider, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const auth = spec.authSecretRef;
  if (auth?.kubernetesAuth) return kubernetesAuth(auth.kubernetesAuth, ctx);
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
    return accessKeyAuth(accessId, accessType, s.accessTypeParam, ctx, where);
  }
  if (accessType === "k8s") {
    const param = s.accessTypeParam;
    return ownTokenAuth(
      accessId,
      async () => {
        if (!param) throw new StoreConfigError(`${where}.accessTypeParam: is required for access type k8s`);
        return resolveSecretKeyString(ctx, param, `${where}.accessTypeParam`);
      },
      ctx,
      where,
    );
  }
  if (isCloudAccessType(accessType)) {
    const param = s.accessTypeParam;
    return cloudIdAuth(
      accessId,
      accessType,
      async () => (param?.name ? resolveSecretKeyString(ctx, param, `${where}.accessTypeParam`) : undefined),
      ctx,
      where,
    );
  }
  throw new NotSupportedError(
    `${where}.accessType: access type "${accessType}" is not supported (use api_key, k8s, aws_iam, azure_ad or gcp)`,
  );
}
