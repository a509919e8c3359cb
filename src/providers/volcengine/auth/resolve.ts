/** The credentials a Volcengine store signs with: its static keys, or (no auth.secretRef) the controller's IRSA. */
import type { VolcengineProvider } from "../../../api/providers/volcengine.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import type { VolcCredentials } from "../signer.js";
import { oidcCredentials, VOLCENGINE_OIDC_CREDENTIALS } from "./oidc.js";

const FIELD = "spec.provider.volcengine.auth";

export async function resolveVolcCredentials(spec: VolcengineProvider, ctx: ProviderContext): Promise<VolcCredentials> {
  const ref = spec.auth?.secretRef;
  if (ref) {
    const accessKeyId = await resolveSecretKeyString(ctx, ref.accessKeyID, `${FIELD}.secretRef.accessKeyID`);
    const secretAccessKey = await resolveSecretKeyString(
      ctx,
      ref.secretAccessKey,
      `${FIELD}.secretRef.secretAccessKey`,
    );
    const sessionToken = ref.token
      ? await resolveSecretKeyString(ctx, ref.token, `${FIELD}.secretRef.token`)
      : undefined;
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  refuseAmbientCredentials(ctx, `${FIELD}.secretRef`, "IRSA identity", "auth.secretRef");
  return oidcCredentials(ctx.caches.get(VOLCENGINE_OIDC_CREDENTIALS), spec.region, FIELD, ctx.signal, ctx.deadline);
}
