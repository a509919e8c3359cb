/**
 * The "crd" provider: reads objects of any Kubernetes resource but Secrets, from the operator's cluster as a
 * ServiceAccount (simple mode) or from the cluster server/auth/authRef describe (explicit mode). ReadOnly.
 */
import type { CRDProvider } from "../../api/providers/crd.js";
import { StoreConfigError } from "../errors.js";
import { tenantClient } from "../kubernetes/kit/index.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { CrdClient } from "./client.js";
import { crdConnection, FIELD, isReferent, usesExplicitConnection } from "./connect.js";
import { CrdApi } from "./transport.js";
import { Whitelist, whitelistErrors } from "./whitelist.js";

const SECRET_REFUSED = 'kind "Secret" is not allowed: use the kubernetes provider to read Kubernetes Secrets';

function authErrors(spec: CRDProvider, storeKind: StoreKind): string[] {
  const errors: string[] = [];
  const auth = spec.auth;
  if (auth) {
    const set = [auth.token, auth.serviceAccount, auth.cert].filter((x) => x !== undefined).length;
    if (set !== 1) errors.push(`${FIELD}.auth: exactly one of token, serviceAccount or cert must be set`);
    if (auth.cert && (!auth.cert.clientCert?.name || !auth.cert.clientKey?.name)) {
      errors.push(`${FIELD}.auth.cert: clientCert and clientKey are required`);
    }
    if (auth.token && !auth.token.bearerToken?.name) errors.push(`${FIELD}.auth.token.bearerToken: is required`);
  }
  if (auth && spec.authRef) errors.push(`${FIELD}: at most one of auth or authRef may be set`);
  const caNamespace = spec.server?.caProvider?.namespace;
  if (storeKind === "SecretStore" && caNamespace) {
    errors.push(`${FIELD}.server.caProvider.namespace: must be empty for a SecretStore`);
  }
  if (storeKind === "ClusterSecretStore" && spec.server?.caProvider && !caNamespace && usesExplicitConnection(spec)) {
    errors.push(`${FIELD}.server.caProvider.namespace: is required for a ClusterSecretStore`);
  }
  return errors;
}

export const crdProvider: Provider<CRDProvider> = {
  name: "crd",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: CRDProvider, storeKind: StoreKind): SpecValidation {
    const errors: string[] = [];
    const warnings: string[] = [];
    if (!spec?.serviceAccountRef && !spec?.auth && !spec?.authRef) {
      errors.push(`${FIELD}: one of serviceAccountRef, auth or authRef is required`);
    }
    if (!spec) return { errors, warnings };
    const sa = spec.serviceAccountRef;
    if (sa && !sa.name) errors.push(`${FIELD}.serviceAccountRef.name: is required`);
    if (storeKind === "SecretStore" && sa?.namespace) {
      errors.push(`${FIELD}.serviceAccountRef.namespace: a SecretStore may not reference another namespace`);
    }
    if (storeKind === "ClusterSecretStore" && sa && !sa.namespace && usesExplicitConnection(spec)) {
      errors.push(`${FIELD}.serviceAccountRef.namespace: is required to impersonate from a ClusterSecretStore`);
    }
    if (spec.server?.url && !spec.auth && !spec.authRef) {
      errors.push(`${FIELD}.auth: server.url needs auth or authRef`);
    }
    errors.push(...authErrors(spec, storeKind));
    if (usesExplicitConnection(spec) && !spec.authRef && !spec.server?.caBundle && !spec.server?.caProvider) {
      warnings.push(`${FIELD}.server: no caBundle or caProvider; TLS connections trust the system roots`);
    }
    const r = spec.resource;
    if (!r?.version) errors.push(`${FIELD}.resource.version: is required`);
    if (!r?.kind) errors.push(`${FIELD}.resource.kind: is required`);
    if (r && typeof r.group !== "string") errors.push(`${FIELD}.resource.group: is required ("" for core resources)`);
    if (r?.kind && r.kind.toLowerCase() === "secret") errors.push(`${FIELD}.resource.kind: ${SECRET_REFUSED}`);
    errors.push(...whitelistErrors(spec.whitelist?.rules, `${FIELD}.whitelist`));
    return { errors, warnings };
  },
  async newClient(spec: CRDProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const r = spec?.resource;
    if (!r?.version || !r.kind) throw new StoreConfigError(`${FIELD}.resource: version and kind are required`);
    if (r.kind.toLowerCase() === "secret") throw new StoreConfigError(`${FIELD}.resource.kind: ${SECRET_REFUSED}`);
    const wlErrors = whitelistErrors(spec.whitelist?.rules, `${FIELD}.whitelist`);
    if (wlErrors.length) throw new StoreConfigError(wlErrors[0]!);
    const conn = await crdConnection(spec, ctx);
    const api = new CrdApi(tenantClient(conn), ctx.signal);
    return new CrdClient(api, {
      resource: { group: r.group ?? "", version: r.version, kind: r.kind },
      storeKind: ctx.storeKind,
      namespace: spec.remoteNamespace ?? ctx.namespace,
      remoteNamespace: ctx.storeKind === "ClusterSecretStore" ? spec.remoteNamespace : undefined,
      whitelist: new Whitelist(spec.whitelist?.rules, ctx.storeKind),
      referent: isReferent(spec, ctx.storeKind),
    });
  },
};
