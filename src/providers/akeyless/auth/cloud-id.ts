/**
 * authSecretRef.secretRef with access type aws_iam, azure_ad or gcp: the /auth request carries a cloud id proving
 * the operator's own cloud identity. The gateway URL of a SecretStore is chosen by a namespace admin, and a cloud
 * id can be replayed by whoever receives it, so only a ClusterSecretStore may send one.
 */
import { NotSupportedError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { refuseOwnTokenForSecretStore } from "../../tenant-policy.js";
import { awsCloudId } from "./aws-iam.js";
import { azureCloudId } from "./azure-ad.js";
import { gcpCloudId } from "./gcp.js";

export const CLOUD_ACCESS_TYPES = ["aws_iam", "azure_ad", "gcp"] as const;
export type CloudAccessType = (typeof CLOUD_ACCESS_TYPES)[number];

export function isCloudAccessType(t: string): t is CloudAccessType {
  return (CLOUD_ACCESS_TYPES as readonly string[]).includes(t);
}

const REMEDY = "an api_key access type or authSecretRef.kubernetesAuth";

export async function cloudIdAuth(
  accessId: string,
  accessType: CloudAccessType,
  param: () => Promise<string | undefined>,
  ctx: ProviderContext,
  where: string,
): Promise<Record<string, unknown>> {
  refuseOwnTokenForSecretStore(ctx, `${where}.accessType`, REMEDY);
  let cloudId: string;
  switch (accessType) {
    case "aws_iam":
      cloudId = await awsCloudId(ctx, where);
      break;
    case "azure_ad":
      cloudId = await azureCloudId(await param(), ctx);
      break;
    case "gcp":
      cloudId = await gcpCloudId(await param(), ctx);
      break;
    default:
      throw new NotSupportedError(`${where}.accessType: access type "${accessType}" is not supported`);
  }
  return { "access-id": accessId, "access-type": accessType, "cloud-id": cloudId };
}
