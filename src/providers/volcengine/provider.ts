/** The "volcengine" provider: Volcengine KMS secrets over its signed OpenAPI, with static keys or IRSA. */
import type { VolcengineProvider } from "../../api/providers/volcengine.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveVolcCredentials } from "./auth/resolve.js";
import { VolcengineClient } from "./client.js";

const FIELD = "spec.provider.volcengine";

export const volcengineProvider: Provider<VolcengineProvider> = {
  name: "volcengine",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: VolcengineProvider, storeKind: StoreKind): SpecValidation {
    const errors: string[] = [];
    if (!spec?.region) errors.push(`${FIELD}.region: region is required`);
    if (spec?.auth) {
      const ref = spec.auth.secretRef;
      if (!ref) {
        errors.push(`${FIELD}.auth.secretRef: SecretRef is required when using static credentials`);
      } else {
        const sels: [string, { name?: string; key?: string; namespace?: string } | undefined][] = [
          ["accessKeyID", ref.accessKeyID],
          ["secretAccessKey", ref.secretAccessKey],
          ["token", ref.token],
        ];
        for (const [name, sel] of sels) {
          if (!sel) continue;
          const f = `${FIELD}.auth.secretRef.${name}`;
          if (!sel.name) errors.push(`${f}.name: is required`);
          if (!sel.key) errors.push(`${f}.key: is required`);
          if (storeKind === "SecretStore" && sel.namespace)
            errors.push(`${f}.namespace: a SecretStore may not reference another namespace`);
          if (storeKind === "ClusterSecretStore" && !sel.namespace)
            errors.push(`${f}.namespace: a ClusterSecretStore must set it`);
        }
      }
    }
    return { errors, warnings: [] };
  },
  async newClient(spec: VolcengineProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec?.region) throw new StoreConfigError(`${FIELD}.region: region must be specified`);
    const creds = await resolveVolcCredentials(spec, ctx);
    return new VolcengineClient(spec.region, creds, ctx.signal, ctx.deadline);
  },
};
