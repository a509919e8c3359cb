/** The "nebiusmysterybox" provider: Nebius MysteryBox secret payloads over gRPC, read-only. */
import type { NebiusMysteryboxProvider } from "../../api/providers/nebiusmysterybox.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKeyString } from "../resolvers.js";
import { resolveIamToken } from "./auth/resolve.js";
import { NebiusMysteryboxClient } from "./client.js";
import { NEBIUS_CHANNELS, type NebiusCallOptions } from "./transport.js";

const FIELD = "spec.provider.nebiusmysterybox";
const CALL_TIMEOUT_MS = 30_000;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** upstream's validateAPIDomain: no scheme, an optional port, a dotted DNS name with a non-numeric TLD. */
function apiDomainError(apiDomain: string): string | undefined {
  if (!apiDomain.trim()) return "API domain must be set";
  if (apiDomain.includes("://")) return "API domain is not valid: scheme is not allowed";
  let host = apiDomain;
  if (apiDomain.includes(":")) {
    const m = /^([^:]*):(\d*)$/.exec(apiDomain);
    if (!m) return "API domain is not valid: bad host:port";
    host = m[1]!;
  }
  if (host.endsWith(".")) return "API domain is not valid: domain must not end with a dot";
  let ascii: string;
  try {
    ascii = new URL(`http://${host}`).hostname;
  } catch {
    return "API domain is not valid: not a domain name";
  }
  if (!ascii || ascii.length > 253) return "API domain is not valid: domain length out of range";
  const labels = ascii.split(".");
  if (labels.length < 2) return "API domain is not valid: domain must contain at least one dot";
  for (const l of labels) {
    if (!LABEL.test(l)) return `API domain is not valid: invalid label: ${l}`;
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return "API domain is not valid: numeric TLD is not allowed";
  return undefined;
}

function refErrors(
  ref: { name?: string; key?: string; namespace?: string } | undefined,
  field: string,
  storeKind: StoreKind,
): string[] {
  if (!ref?.name) return [];
  const errs: string[] = [];
  if (!ref.key) errs.push(`${field}.key: is required`);
  if (storeKind === "ClusterSecretStore" && !ref.namespace) {
    errs.push(`${field}.namespace: is required for a ClusterSecretStore`);
  }
  return errs;
}

export const nebiusMysteryboxProvider: Provider<NebiusMysteryboxProvider> = {
  name: "nebiusmysterybox",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: NebiusMysteryboxProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    const domainErr = apiDomainError(spec?.apiDomain ?? "");
    if (domainErr) errs.push(`${FIELD}.apiDomain: ${domainErr}`);
    const auth = spec?.auth ?? {};
    const token = auth.tokenSecretRef?.name;
    const sa = auth.serviceAccountCredsSecretRef?.name;
    if (!token && !sa) {
      errs.push(`${FIELD}.auth: either serviceAccountCredsSecretRef or tokenSecretRef must be set`);
    } else if (token && sa) {
      errs.push(`${FIELD}.auth: invalid auth configuration: exactly one must be specified`);
    }
    errs.push(...refErrors(auth.tokenSecretRef, `${FIELD}.auth.tokenSecretRef`, storeKind));
    errs.push(...refErrors(auth.serviceAccountCredsSecretRef, `${FIELD}.auth.serviceAccountCredsSecretRef`, storeKind));
    if (spec?.caProvider) {
      const cert = spec.caProvider.certSecretRef;
      const field = `${FIELD}.caProvider.certSecretRef`;
      if (!cert?.name) errs.push(`${field}.name: is required`);
      else errs.push(...refErrors(cert, field, storeKind));
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: NebiusMysteryboxProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const errors = nebiusMysteryboxProvider.validate(spec, ctx.storeKind).errors;
    if (errors.length) throw new StoreConfigError(errors[0]);
    const caRef = spec.caProvider?.certSecretRef;
    const ca = caRef ? await resolveSecretKeyString(ctx, caRef, `${FIELD}.caProvider.certSecretRef`) : undefined;
    const grpc = await import("@grpc/grpc-js");
    const call: NebiusCallOptions = {
      grpc,
      channels: ctx.caches.get(NEBIUS_CHANNELS),
      apiDomain: (spec.apiDomain ?? "").trim(),
      ca: ca || undefined,
      timeoutMs: capTimeout(CALL_TIMEOUT_MS, ctx.deadline),
      signal: ctx.signal,
    };
    const token = await resolveIamToken(ctx, spec.auth, call);
    return new NebiusMysteryboxClient(call, token);
  },
};
