/** The "conjur" provider: CyberArk Conjur / Secrets Manager variables over the Conjur REST API, read-only. */
import { createHash } from "node:crypto";
import type { SecretKeySelector, ServiceAccountSelector } from "../../api/common.js";
import type { ConjurProvider } from "../../api/providers/conjur.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveCABundle } from "../resolvers.js";
import { AUTH_METHODS, ONE_METHOD, resolveAuth } from "./auth/resolve.js";
import { ConjurClient } from "./client.js";
import { applianceBase } from "./endpoints.js";
import { CONJUR_TOKENS, conjurToken } from "./token-cache.js";
import { ConjurApi, ConjurData } from "./transport.js";

const FIELD = "spec.provider.conjur";

export const conjurProvider: Provider<ConjurProvider> = {
  name: "conjur",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: ConjurProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.url) errs.push(`${FIELD}.url: is required`);
    else {
      try {
        const u = new URL(spec.url);
        if (u.protocol !== "https:" && u.protocol !== "http:") errs.push(`${FIELD}.url: must be an http(s) URL`);
      } catch {
        errs.push(`${FIELD}.url: is not a valid URL`);
      }
    }
    if (spec?.caBundle && !/^[A-Za-z0-9+/=\s]+$/.test(spec.caBundle)) {
      errs.push(`${FIELD}.caBundle: must be base64-encoded PEM`);
    }
    const auth = spec?.auth ?? {};
    const methods = AUTH_METHODS.filter((m) => auth[m]);
    if (methods.length !== 1) errs.push(`${FIELD}.auth: ${ONE_METHOD}`);
    const ref = (r: SecretKeySelector | undefined, at: string, keyRequired = true) => {
      if (!r?.name) return errs.push(`${at}.name: is required`);
      if (keyRequired && !r.key) errs.push(`${at}.key: is required`);
      if (storeKind === "SecretStore" && r.namespace) {
        errs.push(`${at}.namespace: a SecretStore may not reference another namespace`);
      }
    };
    const saRef = (sa: ServiceAccountSelector | undefined, at: string) => {
      if (!sa) return;
      if (!sa.name) errs.push(`${at}.name: is required`);
      if (sa.namespace && storeKind === "SecretStore") {
        errs.push(`${at}.namespace: a SecretStore may not reference another namespace`);
      }
    };
    if (auth.apikey) {
      const at = `${FIELD}.auth.apikey`;
      if (!auth.apikey.account) errs.push(`${at}.account: is required`);
      ref(auth.apikey.userRef, `${at}.userRef`);
      ref(auth.apikey.apiKeyRef, `${at}.apiKeyRef`);
    }
    if (auth.jwt) {
      const at = `${FIELD}.auth.jwt`;
      if (!auth.jwt.account) errs.push(`${at}.account: is required`);
      if (!auth.jwt.serviceID) errs.push(`${at}.serviceID: is required`);
      if (!auth.jwt.secretRef && !auth.jwt.serviceAccountRef) {
        errs.push(`${at}: one of secretRef or serviceAccountRef is required`);
      }
      if (auth.jwt.secretRef) ref(auth.jwt.secretRef, `${at}.secretRef`, false);
      saRef(auth.jwt.serviceAccountRef, `${at}.serviceAccountRef`);
    }
    const cloud = (m: { account?: string; serviceID?: string; hostId?: string }, at: string, serviceID = true) => {
      if (!m.account) errs.push(`${at}.account: is required`);
      if (serviceID && !m.serviceID) errs.push(`${at}.serviceID: is required`);
      if (!m.hostId) errs.push(`${at}.hostId: is required`);
    };
    if (auth.iam) {
      const at = `${FIELD}.auth.iam`;
      cloud(auth.iam, at);
      const s = auth.iam.secretRef;
      if (s) {
        ref(s.accessKeyIDSecretRef, `${at}.secretRef.accessKeyIDSecretRef`);
        ref(s.secretAccessKeySecretRef, `${at}.secretRef.secretAccessKeySecretRef`);
        if (s.sessionTokenSecretRef) ref(s.sessionTokenSecretRef, `${at}.secretRef.sessionTokenSecretRef`);
      }
    }
    if (auth.azure) {
      const at = `${FIELD}.auth.azure`;
      cloud(auth.azure, at);
      saRef(auth.azure.serviceAccountRef, `${at}.serviceAccountRef`);
    }
    if (auth.gcp) {
      const at = `${FIELD}.auth.gcp`;
      cloud(auth.gcp, at, false);
      if (auth.gcp.secretRef) ref(auth.gcp.secretRef.jwt, `${at}.secretRef.jwt`);
    }
    if (auth.cert) {
      const at = `${FIELD}.auth.cert`;
      if (!auth.cert.account) errs.push(`${at}.account: is required`);
      if (!auth.cert.serviceID) errs.push(`${at}.serviceID: is required`);
      ref(auth.cert.clientCertRef, `${at}.clientCertRef`);
      ref(auth.cert.clientKeyRef, `${at}.clientKeyRef`);
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: ConjurProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ca = await resolveCABundle(ctx, spec.caBundle, spec.caProvider, FIELD);
    const base = applianceBase(spec.url);
    const auth = await resolveAuth(spec, ctx, ca);
    const api = new ConjurApi({ base, ca, signal: ctx.signal, deadline: ctx.deadline });
    const cache = ctx.caches.get(CONJUR_TOKENS);
    const key = createHash("sha256")
      .update(
        JSON.stringify([
          ctx.storeKind,
          ctx.storeName,
          ctx.storeKind === "SecretStore" ? ctx.namespace : "",
          base,
          ca ?? "",
          ...auth.credentials,
        ]),
      )
      .digest("hex");
    const data = new ConjurData(api, {
      token: () => cache.get(key, async () => conjurToken(await auth.login(api))),
      invalidate: (token) => cache.drop(key, token),
    });
    return new ConjurClient(data, auth.account);
  },
};
