/**
 * Grafana: finds the service account spec.serviceAccount.name (creating it with spec.serviceAccount.role when
 * absent) and creates a new token for it. Values as upstream: login (the service account's login) and token.
 * The token is recorded as state and deleted by cleanup; the service account is kept, as upstream.
 */
import { randomUUID } from "node:crypto";
import type { GrafanaSpec, GrafanaState } from "../../api/generators/grafana.js";
import { resolveSecretKeyString } from "../../providers/resolvers.js";
import { type Generator, type GeneratorContext, GeneratorError } from "../generator.js";
import { createServiceAccount, createToken, deleteToken, findServiceAccount, type GrafanaApi } from "./transport.js";

async function secretValue(
  ref: { name?: string; key?: string } | undefined,
  field: string,
  ctx: GeneratorContext,
): Promise<string> {
  if (!ref?.name) throw new GeneratorError(`${field}.name: is required`);
  if (!ref.key) throw new GeneratorError(`${field}.key: is required`);
  try {
    // The selector has no namespace: the Secret is always read in the generator's namespace.
    return await resolveSecretKeyString(
      { kube: ctx.kube, storeKind: "SecretStore", namespace: ctx.namespace },
      { name: ref.name, key: ref.key },
      field,
    );
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    throw new GeneratorError((err as Error).message);
  }
}

/** As upstream: a token when set, else basic credentials. */
async function authorization(spec: GrafanaSpec, ctx: GeneratorContext): Promise<string> {
  const auth = spec.auth;
  if (auth?.token) return `Bearer ${await secretValue(auth.token, "spec.auth.token", ctx)}`;
  if (auth?.basic) {
    if (!auth.basic.username) throw new GeneratorError("spec.auth.basic.username: is required");
    const password = await secretValue(auth.basic.password, "spec.auth.basic.password", ctx);
    return `Basic ${Buffer.from(`${auth.basic.username}:${password}`).toString("base64")}`;
  }
  throw new GeneratorError("spec.auth: set token or basic");
}

async function openApi(spec: GrafanaSpec, ctx: GeneratorContext): Promise<GrafanaApi> {
  if (!spec?.url) throw new GeneratorError("spec.url: is required");
  return { url: spec.url, authorization: await authorization(spec, ctx), signal: ctx.signal };
}

function parseState(state: Record<string, unknown>): GrafanaState["serviceAccount"] | undefined {
  const sa = (state as Partial<GrafanaState>)?.serviceAccount;
  if (typeof sa?.id !== "number" || typeof sa.tokenID !== "number") return undefined;
  return sa;
}

export const grafanaGenerator: Generator<GrafanaSpec> = {
  kind: "Grafana",
  clusterSpecKey: "grafanaSpec",
  async generate(spec, ctx) {
    if (!spec?.serviceAccount?.name) throw new GeneratorError("spec.serviceAccount.name: is required");
    if (!spec.serviceAccount.role) throw new GeneratorError("spec.serviceAccount.role: is required");
    const api = await openApi(spec, ctx);
    const { name, role } = spec.serviceAccount;
    const account = (await findServiceAccount(api, name)) ?? (await createServiceAccount(api, name, role));
    const token = await createToken(api, account.id, randomUUID());
    const state: GrafanaState = { serviceAccount: { id: account.id, login: account.login, tokenID: token.id } };
    return {
      data: { login: Buffer.from(account.login ?? ""), token: Buffer.from(token.key) },
      state: { ...state },
    };
  },
  async cleanup(spec, state, ctx) {
    const sa = parseState(state);
    // A state without a token id (hand-made or truncated) has nothing this generator could revoke.
    if (!sa) return;
    await deleteToken(await openApi(spec, ctx), sa.id, sa.tokenID);
  },
};
