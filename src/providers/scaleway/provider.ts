/** The "scaleway" provider: Scaleway Secret Manager, read and written through its REST API with an API key. */
import type { ScalewayProvider } from "../../api/providers/scaleway.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import {
  checkValueOrRef,
  refsWithoutNamespace,
  requireExplicitNamespaces,
  resolveValueOrRef,
} from "../util/value-or-ref.js";
import { ScalewayClient } from "./client.js";
import { DEFAULT_SCALEWAY_API_URL, ScalewayApi } from "./transport.js";

const FIELD = "spec.provider.scaleway";
const REGION = /^[a-z]{2}-[a-z]{3}$/;
// As the Scaleway SDK checks them (its UUID check is unanchored).
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ACCESS_KEY = /^SCW[A-Z0-9]{17}$/;

const credentialRefs = (spec: ScalewayProvider) =>
  [
    [`${FIELD}.accessKey`, spec?.accessKey],
    [`${FIELD}.secretKey`, spec?.secretKey],
  ] as [string, ScalewayProvider["accessKey"] | undefined][];

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "https:" || u.protocol === "http:") && !!u.host;
  } catch {
    return false;
  }
}

export const scalewayProvider: Provider<ScalewayProvider> = {
  name: "scaleway",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: ScalewayProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (spec?.apiUrl && !isHttpUrl(spec.apiUrl))
      errs.push(`${FIELD}.apiUrl: invalid api url: ${JSON.stringify(spec.apiUrl)}`);
    if (!REGION.test(spec?.region ?? ""))
      errs.push(`${FIELD}.region: invalid region: ${JSON.stringify(spec?.region ?? "")}`);
    if (!UUID.test(spec?.projectId ?? "")) {
      errs.push(`${FIELD}.projectId: invalid project id: ${JSON.stringify(spec?.projectId ?? "")}`);
    }
    for (const [field, ref] of credentialRefs(spec)) errs.push(...checkValueOrRef(ref, field));
    const warnings = refsWithoutNamespace(storeKind, credentialRefs(spec)).map(
      (f) => `${f}.namespace: a ClusterSecretStore must set it, or no client can be built`,
    );
    return { errors: errs, warnings };
  },
  async newClient(spec: ScalewayProvider, ctx: ProviderContext): Promise<SecretsClient> {
    requireExplicitNamespaces(ctx.storeKind, credentialRefs(spec));
    // The access key is the non-secret half of the API key: requests authenticate with the secret key alone.
    const accessKey = await resolveValueOrRef(ctx, spec.accessKey, `${FIELD}.accessKey`);
    const secretKey = await resolveValueOrRef(ctx, spec.secretKey, `${FIELD}.secretKey`);
    // The SDK refuses malformed keys before any call; the access key is not secret, the secret key is not quoted.
    if (!ACCESS_KEY.test(accessKey)) {
      throw new StoreConfigError(
        `${FIELD}.accessKey: invalid access key format ${JSON.stringify(accessKey)}, expected SCWXXXXXXXXXXXXXXXXX format`,
      );
    }
    if (!UUID.test(secretKey))
      throw new StoreConfigError(`${FIELD}.secretKey: invalid secret key format, expected a UUID`);
    const api = new ScalewayApi(
      { apiUrl: spec.apiUrl || DEFAULT_SCALEWAY_API_URL, region: spec.region, projectId: spec.projectId },
      secretKey,
      ctx.signal,
      ctx.deadline,
    );
    return new ScalewayClient(api);
  },
};
