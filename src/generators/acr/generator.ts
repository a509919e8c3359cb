/**
 * ACRAccessToken: a docker login for an Azure Container Registry. An Entra ID token (spec.auth) is exchanged at
 * the registry for a refresh token; with spec.scope, that is exchanged for an access token limited to the scope.
 * Values, as upstream: username (the fixed null GUID ACR expects with token logins) and password (the token).
 */
import type { ACRAccessTokenSpec } from "../../api/generators/acr.js";
import { azureClientOptions } from "../../providers/azurekv/kit/sdk-options.js";
import type { Generator } from "../generator.js";
import { aadAccessToken } from "./login.js";
import { accessTokenForScope, exchangeForRefreshToken, registryHost } from "./transport.js";

export const ACR_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";

export interface AcrGeneratorSettings {
  /** Bound on each registry call (the Entra ID login has the Azure SDK's own retries and timeouts). */
  requestTimeoutMs: number;
}

export function newAcrAccessTokenGenerator(
  settings: Partial<AcrGeneratorSettings> = {},
): Generator<ACRAccessTokenSpec> {
  const requestTimeoutMs = settings.requestTimeoutMs ?? 30_000;
  return {
    kind: "ACRAccessToken",
    clusterSpecKey: "acrAccessTokenSpec",
    async generate(spec, ctx) {
      const registry = registryHost(spec?.registry);
      const options = await azureClientOptions();
      const scope = { kube: ctx.kube, storeKind: "SecretStore" as const, namespace: ctx.namespace };
      const aad = await aadAccessToken(spec, scope, options, ctx.signal);
      const call = { ca: options.tlsOptions?.ca, timeoutMs: requestTimeoutMs, signal: ctx.signal };
      const refreshToken = await exchangeForRefreshToken(registry, aad.token, spec.tenantId ?? aad.tenantId, call);
      const password = spec.scope ? await accessTokenForScope(registry, refreshToken, spec.scope, call) : refreshToken;
      return { data: { username: Buffer.from(ACR_TOKEN_USERNAME), password: Buffer.from(password) } };
    },
  };
}

export const acrAccessTokenGenerator = newAcrAccessTokenGenerator();
