/** The "webhook" provider: any HTTP endpoint, read-only; the request is templated per remote reference. */
import { DurationError, parseDuration } from "../../api/duration.js";
import type { WebhookProvider } from "../../api/providers/webhook.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { refNamespace, resolveCABundle, resolveSecretKey, resolveSecretKeyString } from "../resolvers.js";
import { WebhookClient } from "./client.js";
import type { Credentials } from "./ntlm/messages.js";

const FIELD = "spec.provider.webhook";
const DEFAULT_TIMEOUT_MS = 30_000;

/** spec.secrets: each entry's whole Secret, as strings, under the entry's name. */
async function loadSecrets(
  spec: WebhookProvider,
  ctx: ProviderContext,
): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [i, s] of (spec.secrets ?? []).entries()) {
    const where = `${FIELD}.secrets[${i}].secretRef`;
    if (!s.secretRef?.name) throw new StoreConfigError(`${where}.name: is required`);
    const ns = refNamespace(ctx, s.secretRef, where);
    const data = await ctx.kube.getSecret(ns, s.secretRef.name);
    if (!data) throw new StoreConfigError(`${where}: Secret ${ns}/${s.secretRef.name} not found`);
    if (s.secretRef.key && data[s.secretRef.key] === undefined) {
      throw new StoreConfigError(`${where}: key "${s.secretRef.key}" not found in Secret ${ns}/${s.secretRef.name}`);
    }
    out[s.name] = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString("utf8")]));
  }
  return out;
}

/** auth.ntlm: the user name (`user`, `DOMAIN\\user` or `user@domain`) and the password, used exactly as stored. */
async function ntlmCredentials(spec: WebhookProvider, ctx: ProviderContext): Promise<Credentials | undefined> {
  const ntlm = spec.auth?.ntlm;
  if (!ntlm) return undefined;
  const where = `${FIELD}.auth.ntlm`;
  const username = await resolveSecretKeyString(ctx, ntlm.usernameSecret, `${where}.usernameSecret`);
  const password = (await resolveSecretKey(ctx, ntlm.passwordSecret, `${where}.passwordSecret`)).toString("utf8");
  return { username, password };
}

function timeoutMs(spec: WebhookProvider): number {
  if (!spec.timeout) return DEFAULT_TIMEOUT_MS;
  return parseDuration(spec.timeout);
}

export const webhookProvider: Provider<WebhookProvider> = {
  name: "webhook",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: WebhookProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.url) errs.push(`${FIELD}.url: is required`);
    if (spec?.timeout) {
      try {
        parseDuration(spec.timeout);
      } catch (err) {
        if (err instanceof DurationError) errs.push(`${FIELD}.timeout: ${err.message}`);
        else throw err;
      }
    }
    if (spec?.auth?.ntlm) {
      for (const f of ["usernameSecret", "passwordSecret"] as const) {
        const ref = spec.auth.ntlm[f];
        if (!ref?.name || !ref.key) errs.push(`${FIELD}.auth.ntlm.${f}: name and key are required`);
        else if (storeKind === "ClusterSecretStore" && !ref.namespace) {
          errs.push(`${FIELD}.auth.ntlm.${f}.namespace: is required for a ClusterSecretStore`);
        }
      }
    }
    for (const [i, s] of (spec?.secrets ?? []).entries()) {
      if (!s.name) errs.push(`${FIELD}.secrets[${i}].name: is required`);
      if (!s.secretRef?.name) errs.push(`${FIELD}.secrets[${i}].secretRef.name: is required`);
      if (storeKind === "ClusterSecretStore" && s.secretRef && !s.secretRef.namespace) {
        errs.push(`${FIELD}.secrets[${i}].secretRef.namespace: is required for a ClusterSecretStore`);
      }
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: WebhookProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec?.url) throw new StoreConfigError(`${FIELD}.url: is required`);
    let timeout: number;
    try {
      timeout = timeoutMs(spec);
    } catch (err) {
      throw new StoreConfigError(`${FIELD}.timeout: ${(err as Error).message}`);
    }
    return new WebhookClient({
      spec,
      secrets: await loadSecrets(spec, ctx),
      ca: await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD),
      ntlm: await ntlmCredentials(spec, ctx),
      timeoutMs: timeout,
      signal: ctx.signal,
      deadline: ctx.deadline,
    });
  },
};
