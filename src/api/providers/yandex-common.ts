/** Types shared by upstream's Yandex Cloud provider blocks (yandexlockbox, yandexcertificatemanager). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const YandexAuthSchema = Type.Object({
  authorizedKeySecretRef: Type.Optional(SecretKeySelectorSchema),
});
export type YandexAuth = Static<typeof YandexAuthSchema>;

export const YandexCAProviderSchema = Type.Object({
  certSecretRef: Type.Optional(SecretKeySelectorSchema),
});
export type YandexCAProvider = Static<typeof YandexCAProviderSchema>;

export const YandexFetchingPolicySchema = Type.Object(
  {
    byID: Type.Optional(
      Type.Object(
        {},
        {
          description:
            "ByID configures the provider to interpret the `data.secretKey.remoteRef.key` field in ExternalSecret as secret ID.",
        },
      ),
    ),
    byName: Type.Optional(
      Type.Object(
        { folderID: Type.String({ description: "The folder to fetch secrets from" }) },
        {
          description:
            "ByName configures the provider to interpret the `data.secretKey.remoteRef.key` field in ExternalSecret as secret name.",
        },
      ),
    ),
  },
  { minProperties: 1, maxProperties: 1 },
);
export type YandexFetchingPolicy = Static<typeof YandexFetchingPolicySchema>;

/** The block both Yandex providers share, as upstream's current v1 CRD has it. */
export function yandexProviderSchema(service: string) {
  return Type.Object({
    apiEndpoint: Type.Optional(
      Type.String({ description: "Yandex.Cloud API endpoint (e.g. 'api.cloud.yandex.net:443')" }),
    ),
    auth: Type.Object(YandexAuthSchema.properties, {
      description: "Auth defines the information necessary to authenticate against Yandex.Cloud",
    }),
    caProvider: Type.Optional(
      Type.Object(YandexCAProviderSchema.properties, {
        description: "The provider for the CA bundle to use to validate Yandex.Cloud server certificate.",
      }),
    ),
    fetching: Type.Optional(
      Type.Object(YandexFetchingPolicySchema.properties, {
        minProperties: 1,
        maxProperties: 1,
        description: `FetchingPolicy configures the provider to interpret the \`data.secretKey.remoteRef.key\` field in ExternalSecret as ${service} ID or ${service} name`,
      }),
    ),
  });
}
