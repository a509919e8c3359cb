/** Static checks of an infisical store spec (no I/O): upstream's, plus the tenancy rules of auth/. */
import type { SecretKeySelector } from "../../api/common.js";
import type { InfisicalProvider } from "../../api/providers/infisical.js";
import type { SpecValidation, StoreKind } from "../provider.js";
import { AUTH_FIELD } from "./auth/login.js";
import { AUTH_METHODS } from "./auth/resolve.js";

const FIELD = "spec.provider.infisical";

/** Methods that prove the operator's identity rather than the store's own credentials. */
const OPERATOR_FILE_METHODS = ["kubernetesAuthCredentials", "gcpIamAuthCredentials"] as const;
const CLOUD_METHODS = ["awsAuthCredentials", "azureAuthCredentials", "gcpIdTokenAuthCredentials"] as const;

/** Every SecretKeySelector of the auth block, with its field path. */
function authRefs(auth: InfisicalProvider["auth"] | undefined): [string, SecretKeySelector][] {
  const out: [string, SecretKeySelector][] = [];
  for (const method of AUTH_METHODS) {
    const creds = auth?.[method] as Record<string, SecretKeySelector | undefined> | undefined;
    if (!creds) continue;
    for (const [k, ref] of Object.entries(creds)) if (ref) out.push([`${AUTH_FIELD}.${method}.${k}`, ref]);
  }
  return out;
}

function scopeAndHost(spec: InfisicalProvider, out: SpecValidation): void {
  const scope = spec?.secretsScope;
  if (!scope?.projectSlug) out.errors.push(`${FIELD}.secretsScope.projectSlug: cannot be empty`);
  if (!scope?.environmentSlug) out.errors.push(`${FIELD}.secretsScope.environmentSlug: cannot be empty`);
  if (!spec?.hostAPI) return;
  let url: URL;
  try {
    url = new URL(spec.hostAPI);
  } catch {
    out.errors.push(`${FIELD}.hostAPI: is not a valid URL`);
    return;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    out.errors.push(`${FIELD}.hostAPI: must be an http or https URL`);
  }
}

function auth(spec: InfisicalProvider, storeKind: StoreKind, out: SpecValidation): void {
  const set = AUTH_METHODS.filter((m) => spec?.auth?.[m]);
  if (set.length === 0) {
    out.errors.push(`${AUTH_FIELD}: authentication method not found (set one of ${AUTH_METHODS.join(", ")})`);
  }
  if (set.length > 1) {
    out.warnings.push(`${AUTH_FIELD}: several methods are set; ${set[0]} is used (${set.slice(1).join(", ")} ignored)`);
  }
  for (const [field, ref] of authRefs(spec?.auth)) {
    if (!ref.name) out.errors.push(`${field}.name: is required`);
    if (!ref.key) out.errors.push(`${field}.key: is required`);
  }
  if (storeKind === "ClusterSecretStore") {
    const paths: [string, SecretKeySelector | undefined][] = [
      [
        `${AUTH_FIELD}.kubernetesAuthCredentials.serviceAccountTokenPath`,
        spec?.auth?.kubernetesAuthCredentials?.serviceAccountTokenPath,
      ],
      [
        `${AUTH_FIELD}.gcpIamAuthCredentials.serviceAccountKeyFilePath`,
        spec?.auth?.gcpIamAuthCredentials?.serviceAccountKeyFilePath,
      ],
    ];
    for (const [field, ref] of paths) {
      if (ref?.name && !ref.namespace) {
        out.errors.push(`${field}.namespace: is required: the value names a file of the operator`);
      }
    }
  }
  const used = set[0];
  if (storeKind !== "SecretStore" || !used) return;
  if ((OPERATOR_FILE_METHODS as readonly string[]).includes(used)) {
    out.warnings.push(
      `${AUTH_FIELD}.${used}: reads the operator's own token or files, which only a ClusterSecretStore may use: this SecretStore will not become ready`,
    );
  } else if ((CLOUD_METHODS as readonly string[]).includes(used)) {
    out.warnings.push(
      `${AUTH_FIELD}.${used}: proves the operator's cloud identity; refused for SecretStores when the controller runs with --refuse-ambient-credentials-for-namespaced-stores`,
    );
  }
}

function caSource(spec: InfisicalProvider, storeKind: StoreKind, out: SpecValidation): void {
  if (spec?.caBundle && spec.caProvider) {
    out.warnings.push(`${FIELD}: caBundle and caProvider are mutually exclusive; caBundle is used`);
  }
  const ca = spec?.caProvider;
  if (!ca) return;
  if (storeKind === "ClusterSecretStore" && !ca.namespace) {
    out.errors.push(`${FIELD}.caProvider.namespace: is required for a ClusterSecretStore`);
  }
  if (storeKind === "SecretStore" && ca.namespace) {
    out.errors.push(`${FIELD}.caProvider.namespace: must be empty with a SecretStore`);
  }
}

export function validateSpec(spec: InfisicalProvider, storeKind: StoreKind): SpecValidation {
  const out: SpecValidation = { errors: [], warnings: [] };
  scopeAndHost(spec, out);
  auth(spec, storeKind, out);
  caSource(spec, storeKind, out);
  return out;
}
