/**
 * The "oracle" provider: OCI Vault through the documented REST APIs with our own request signing (the OCI
 * SDK is not used): user principal (API key), instance principal and OKE workload identity.
 */
import { parseDuration } from "../../api/duration.js";
import type { OracleProvider } from "../../api/providers/oracle.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSigner } from "./auth/resolve.js";
import { OracleClient } from "./client.js";
import { REGION_PATTERN } from "./endpoints.js";
import { OciVaultApi } from "./transport.js";

export { ORACLE_ENDPOINT_ENV } from "./endpoints.js";

const FIELD = "spec.provider.oracle";
const PRINCIPALS = ["", "UserPrincipal", "InstancePrincipal", "Workload"];
const DAY_MS = 86_400_000;

/** deletionGracePeriod in ms, or an error message (OCI accepts 1 to 30 days). */
function gracePeriod(text: string): number | string {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    return `${FIELD}.deletionGracePeriod: is not a valid duration`;
  }
  if (ms < DAY_MS || ms > 30 * DAY_MS) return `${FIELD}.deletionGracePeriod: must be between 24h and 720h`;
  return ms;
}

export const oracleProvider: Provider<OracleProvider> = {
  name: "oracle",
  /** Upstream reports ReadOnly although it implements PushSecret and deletion; kept for status parity. */
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: OracleProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const warnings: string[] = [];
    if (!spec?.vault) errs.push(`${FIELD}.vault: cannot be empty`);
    if (!spec?.region) errs.push(`${FIELD}.region: cannot be empty`);
    else if (!REGION_PATTERN.test(spec.region)) errs.push(`${FIELD}.region: is not a valid OCI region identifier`);
    if (spec?.principalType !== undefined && !PRINCIPALS.includes(spec.principalType)) {
      errs.push(`${FIELD}.principalType: must be one of UserPrincipal, InstancePrincipal, Workload`);
    }
    const auth = spec?.auth;
    if (auth) {
      if (!auth.user) errs.push(`${FIELD}.auth.user: cannot be empty`);
      if (!auth.tenancy) errs.push(`${FIELD}.auth.tenancy: cannot be empty`);
      for (const which of ["privatekey", "fingerprint"] as const) {
        const ref = auth.secretRef?.[which];
        const f = `${FIELD}.auth.secretRef.${which}`;
        if (!ref?.name) errs.push(`${f}.name: cannot be empty`);
        if (!ref?.key) errs.push(`${f}.key: cannot be empty`);
        if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
          errs.push(`${f}.namespace: is required for a ClusterSecretStore`);
        }
      }
    }
    if (spec?.serviceAccountRef && !spec.serviceAccountRef.name) {
      errs.push(`${FIELD}.serviceAccountRef.name: cannot be empty`);
    }
    if (spec?.deletionGracePeriod) {
      const g = gracePeriod(spec.deletionGracePeriod);
      if (typeof g === "string") errs.push(g);
    }
    if (storeKind === "SecretStore") {
      const workload = spec?.principalType === "Workload";
      if (workload && !spec?.serviceAccountRef) {
        errs.push(
          `${FIELD}.serviceAccountRef: a SecretStore using workload identity must name a ServiceAccount; the operator's own token is only used by ClusterSecretStores`,
        );
      } else if (!workload && (spec?.principalType === "InstancePrincipal" || !auth)) {
        warnings.push(
          `${FIELD}: uses the instance principal (the operator's node identity), which the operator may refuse for SecretStores`,
        );
      }
    }
    return { errors: errs, warnings };
  },
  async newClient(spec: OracleProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec?.vault) throw new StoreConfigError(`${FIELD}.vault: missing Vault`);
    if (!spec.region) throw new StoreConfigError(`${FIELD}.region: missing Region`);
    if (!REGION_PATTERN.test(spec.region))
      throw new StoreConfigError(`${FIELD}.region: is not a valid OCI region identifier`);
    let deletionGracePeriodMs: number | undefined;
    if (spec.deletionGracePeriod) {
      const g = gracePeriod(spec.deletionGracePeriod);
      if (typeof g === "string") throw new StoreConfigError(g);
      deletionGracePeriodMs = g;
    }
    const signer = await resolveSigner(spec, ctx);
    const api = new OciVaultApi(spec.region, signer, ctx.signal, ctx.deadline);
    return new OracleClient(api, {
      vault: spec.vault,
      compartment: spec.compartment || undefined,
      encryptionKey: spec.encryptionKey || undefined,
      deletionGracePeriodMs,
    });
  },
};
