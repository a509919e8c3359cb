/** The "gitlab" provider: project and group CI/CD variables, read-only, with a personal or group access token. */
import type { GitlabProvider } from "../../api/providers/gitlab.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveCABundle, resolveSecretKeyString } from "../resolvers.js";
import { GitlabClient } from "./client.js";
import { GitlabApi } from "./transport.js";

const FIELD = "spec.provider.gitlab";

export const gitlabProvider: Provider<GitlabProvider> = {
  name: "gitlab",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: GitlabProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const ref = spec?.auth?.SecretRef?.accessToken;
    if (!ref?.name) errs.push(`${FIELD}.auth.SecretRef.accessToken.name: is required`);
    if (ref && !ref.key) errs.push(`${FIELD}.auth.SecretRef.accessToken.key: is required`);
    if (storeKind === "ClusterSecretStore" && ref && !ref.namespace) {
      errs.push(`${FIELD}.auth.SecretRef.accessToken.namespace: is required for a ClusterSecretStore`);
    }
    if (!spec?.projectID && !spec?.groupIDs?.length) errs.push(`${FIELD}: projectID or groupIDs must be set`);
    if (spec?.inheritFromGroups && !spec.projectID) {
      errs.push(`${FIELD}.inheritFromGroups: requires projectID`);
    }
    if (spec?.inheritFromGroups && spec.groupIDs?.length) {
      errs.push(`${FIELD}.groupIDs: may not be set together with inheritFromGroups`);
    }
    if (spec?.url) {
      try {
        new URL(spec.url);
      } catch {
        errs.push(`${FIELD}.url: is not a valid URL`);
      }
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: GitlabProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ref = spec?.auth?.SecretRef?.accessToken;
    if (!ref) throw new StoreConfigError(`${FIELD}.auth.SecretRef.accessToken: is required`);
    const token = await resolveSecretKeyString(ctx, ref, `${FIELD}.auth.SecretRef.accessToken`);
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    const api = new GitlabApi(spec.url, token, ca, ctx.signal);
    return new GitlabClient(api, {
      projectID: spec.projectID,
      groupIDs: spec.groupIDs ?? [],
      inheritFromGroups: spec.inheritFromGroups ?? false,
      environment: spec.environment,
    });
  },
};
