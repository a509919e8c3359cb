/** The "beyondtrust" provider: BeyondTrust Password Safe managed accounts and Secrets Safe secrets. */
import type { BeyondtrustProvider } from "../../api/providers/beyondtrust.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { checkValueOrRef } from "../util/value-or-ref.js";
import { resolveAuth } from "./auth/resolve.js";
import { BeyondtrustClient } from "./client.js";
import { PasswordSafeApi } from "./transport.js";

const FIELD = "spec.provider.beyondtrust";
const DEFAULT_TIMEOUT_SECONDS = 45;
const RETRIEVAL_TYPES = ["SECRET", "MANAGED_ACCOUNT"];

export const beyondtrustProvider: Provider<BeyondtrustProvider> = {
  name: "beyondtrust",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: BeyondtrustProvider, _storeKind: StoreKind): SpecValidation {
    const errors: string[] = [];
    const warnings: string[] = [];
    const auth = spec?.auth;
    const server = spec?.server;
    if (!auth) errors.push(`${FIELD}.auth: is required`);
    if (!server) errors.push(`${FIELD}.server: is required`);
    if (auth) {
      if (auth.apiKey) {
        errors.push(...checkValueOrRef(auth.apiKey, `${FIELD}.auth.apiKey`));
      } else if (auth.clientId || auth.clientSecret) {
        errors.push(...checkValueOrRef(auth.clientId, `${FIELD}.auth.clientId`));
        errors.push(...checkValueOrRef(auth.clientSecret, `${FIELD}.auth.clientSecret`));
      } else {
        errors.push(`${FIELD}.auth: one of apiKey or clientId/clientSecret is required`);
      }
      if (!!auth.certificate !== !!auth.certificateKey) {
        errors.push(`${FIELD}.auth: certificate and certificateKey must be set together`);
      }
      if (auth.certificate) errors.push(...checkValueOrRef(auth.certificate, `${FIELD}.auth.certificate`));
      if (auth.certificateKey) errors.push(...checkValueOrRef(auth.certificateKey, `${FIELD}.auth.certificateKey`));
    }
    if (server) {
      let url: URL | undefined;
      try {
        url = new URL(server.apiUrl);
      } catch {
        // reported below
      }
      if (!url?.host) errors.push(`${FIELD}.server.apiUrl: invalid host URL`);
      else if (url.protocol !== "https:" && url.protocol !== "http:") {
        errors.push(`${FIELD}.server.apiUrl: must be an http(s) URL`);
      } else if (url.protocol === "http:") {
        warnings.push(`${FIELD}.server.apiUrl: plain http sends credentials unencrypted`);
      }
      if (server.retrievalType && !RETRIEVAL_TYPES.includes(server.retrievalType.toUpperCase())) {
        warnings.push(`${FIELD}.server.retrievalType: "${server.retrievalType}" is read as MANAGED_ACCOUNT`);
      }
      if (server.clientTimeOutSeconds !== undefined && server.clientTimeOutSeconds < 0) {
        errors.push(`${FIELD}.server.clientTimeOutSeconds: must not be negative`);
      }
      if (server.verifyCA === false) {
        warnings.push(`${FIELD}.server.verifyCA: false does not verify the server's certificate (insecure)`);
      }
    }
    return { errors, warnings };
  },
  async newClient(spec: BeyondtrustProvider, ctx: ProviderContext): Promise<SecretsClient> {
    if (!spec?.server?.apiUrl) throw new StoreConfigError(`${FIELD}.server.apiUrl: is required`);
    const auth = await resolveAuth(spec, ctx);
    const server = spec.server;
    const seconds = server.clientTimeOutSeconds || DEFAULT_TIMEOUT_SECONDS;
    const api = new PasswordSafeApi({
      apiUrl: server.apiUrl,
      apiVersion: server.apiVersion || undefined,
      timeoutMs: capTimeout(seconds * 1000, ctx.deadline),
      verifyCA: server.verifyCA,
      cert: auth.cert,
      key: auth.key,
      signal: ctx.signal,
    });
    return new BeyondtrustClient(api, auth, {
      managedAccount: (server.retrievalType ?? "").toUpperCase() !== "SECRET",
      separator: server.separator || "/",
      decrypt: server.decrypt ?? true,
      apiVersion: server.apiVersion || "3.0",
    });
  },
};
