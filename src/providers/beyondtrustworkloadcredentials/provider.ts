/**
 * The "beyondtrustworkloadcredentials" provider: static secrets of BeyondTrust Workload Credentials, read-only,
 * with an API key. Its spec block is the one the BeyondtrustWorkloadCredentialsDynamicSecret generator embeds.
 */
import { X509Certificate } from "node:crypto";
import type { BeyondtrustWorkloadCredentialsProvider } from "../../api/providers/beyondtrust.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveCABundle, resolveSecretKeyString } from "../resolvers.js";
import { WorkloadCredentialsClient } from "./client.js";
import { secretsBaseUrl, TIMEOUT_MS } from "./kit/http.js";
import { WorkloadCredentialsApi } from "./transport.js";

const FIELD = "spec.provider.beyondtrustworkloadcredentials";
const UUID_V4 = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

function apiUrlIssue(apiUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(apiUrl);
  } catch {
    return "failed to parse apiUrl";
  }
  if (u.protocol !== "https:") return `apiUrl must use https scheme, got "${u.protocol.replace(/:$/, "")}"`;
  if (!u.host) return "apiUrl must include a host";
  return undefined;
}

export const beyondtrustWorkloadCredentialsProvider: Provider<BeyondtrustWorkloadCredentialsProvider> = {
  name: "beyondtrustworkloadcredentials",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: BeyondtrustWorkloadCredentialsProvider, storeKind: StoreKind): SpecValidation {
    const errors: string[] = [];
    const token = spec?.auth?.apikey?.token;
    if (!token) errors.push(`${FIELD}.auth.apikey.token: is required`);
    else {
      if (!token.name) errors.push(`${FIELD}.auth.apikey.token.name: is required`);
      if (!token.key) errors.push(`${FIELD}.auth.apikey.token.key: is required`);
      if (storeKind === "ClusterSecretStore" && !token.namespace) {
        errors.push(`${FIELD}.auth.apikey.token.namespace: is required for a ClusterSecretStore`);
      }
    }
    const server = spec?.server;
    if (!server) errors.push(`${FIELD}.server: is required`);
    else {
      if (!server.apiUrl) errors.push(`${FIELD}.server.apiUrl: is required`);
      else {
        const issue = apiUrlIssue(server.apiUrl);
        if (issue) errors.push(`${FIELD}.server.apiUrl: invalid apiUrl: ${issue}`);
      }
      if (!server.siteId) errors.push(`${FIELD}.server.siteId: is required`);
      else if (!UUID_V4.test(server.siteId)) {
        errors.push(`${FIELD}.server.siteId: invalid siteId: siteId must be a valid UUID format`);
      }
    }
    return { errors, warnings: [] };
  },
  async newClient(spec: BeyondtrustWorkloadCredentialsProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const issues = beyondtrustWorkloadCredentialsProvider.validate(spec, ctx.storeKind).errors;
    if (issues.length) throw new StoreConfigError(issues[0]);
    const token = await resolveSecretKeyString(ctx, spec.auth.apikey.token, `${FIELD}.auth.apikey.token`);
    if (!token) throw new StoreConfigError(`${FIELD}.auth.apikey.token: the referenced Secret key is empty`);
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    if (ca !== undefined) {
      const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(ca);
      try {
        if (!first) throw new Error("no PEM certificate");
        new X509Certificate(first[0]);
      } catch {
        throw new StoreConfigError(`${FIELD}: failed to parse CA bundle PEM`);
      }
    }
    const api = new WorkloadCredentialsApi({
      baseUrl: secretsBaseUrl(spec.server.apiUrl, spec.server.siteId),
      token,
      ca,
      signal: ctx.signal,
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
    });
    return new WorkloadCredentialsClient(api, spec.folderPath ?? "");
  },
};
