/**
 * AzureAccessToken: a Microsoft Entra ID access token for spec.resource, requested with the "<resource>/.default"
 * scope. One value, as upstream: token. Nothing to revoke; the token expires on its own.
 */
import type { AzureAccessTokenSpec } from "../../api/generators/azureaccesstoken.js";
import { azureClientOptions } from "../../providers/azurekv/kit/sdk-options.js";
import type { Generator } from "../generator.js";
import { entraAccessToken } from "./login.js";

export const azureAccessTokenGenerator: Generator<AzureAccessTokenSpec> = {
  kind: "AzureAccessToken",
  clusterSpecKey: "azureAccessTokenSpec",
  async generate(spec, ctx) {
    const options = await azureClientOptions();
    const scope = { kube: ctx.kube, storeKind: "SecretStore" as const, namespace: ctx.namespace };
    const token = await entraAccessToken(spec, scope, options, ctx.signal);
    return { data: { token: Buffer.from(token.token) } };
  },
};
