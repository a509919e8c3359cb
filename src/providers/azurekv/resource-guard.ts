/**
 * customCloudConfig.keyVaultEndpoint pins the resource a Key Vault token may be requested for. The SDK takes the
 * resource from the vault's 401 challenge and can only check it against Azure's own Key Vault domains; for a
 * private cloud the check is off, so a vault URL pointing elsewhere could ask for a token of any resource. The
 * guard refuses such a request before any token is obtained.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { ProviderAuthError } from "../errors.js";
import { resourceId } from "./clouds.js";

const FIELD = "spec.provider.azurekv.customCloudConfig.keyVaultEndpoint";

export function pinnedToResource(credential: TokenCredential, resource: string): TokenCredential {
  const allowed = `${resourceId(resource)}/.default`;
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const asked = (Array.isArray(scopes) ? scopes : [scopes]).map((s) => s.trim());
      const other = asked.find((s) => s !== allowed && resourceId(s) !== resourceId(resource));
      if (other !== undefined) {
        return Promise.reject(
          new ProviderAuthError(
            `azurekv: the vault asked for a token for ${other.slice(0, 200)}, not for ${FIELD} (${resourceId(resource)})`,
          ),
        );
      }
      return credential.getToken(asked, options);
    },
  };
}
