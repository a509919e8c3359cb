/** The "ovh" provider: OVHcloud Secret Manager (OKMS) secrets, read and written, with a token or mTLS. */
import type { OvhProvider } from "../../api/providers/ovh.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveOkmsAuth } from "./auth/resolve.js";
import { OvhClient } from "./client.js";
import { OkmsApi } from "./transport.js";

const FIELD = "spec.provider.ovh";
const DEFAULT_TIMEOUT_SECONDS = 30;

/** The OKMS ID in its canonical form; Go's uuid.Parse also takes it braced, undashed or as a urn:uuid:. */
function parseOkmsId(id: string): string {
  const hex = id.replace(/^urn:uuid:/i, "").replace(/^\{(.*)\}$/, "$1");
  const plain = hex.replaceAll("-", "");
  const dashed = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hex);
  if (!/^[0-9a-f]{32}$/i.test(plain) || (hex.length !== 32 && !dashed)) {
    throw new StoreConfigError(`${FIELD}.okmsid: is not a valid UUID`);
  }
  return `${plain.slice(0, 8)}-${plain.slice(8, 12)}-${plain.slice(12, 16)}-${plain.slice(16, 20)}-${plain.slice(20)}`.toLowerCase();
}

/** A ClusterSecretStore's reference without a namespace reads the requester's namespace, as upstream. */
function validateRef(ref: { name?: string; key?: string } | undefined, field: string, errs: string[]): void {
  if (!ref) return;
  if (!ref.name) errs.push(`${field}.name: is required`);
  if (!ref.key) errs.push(`${field}.key: is required`);
}

export const ovhProvider: Provider<OvhProvider> = {
  name: "ovh",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: OvhProvider, _storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.server) errs.push(`${FIELD}.server: is required`);
    else {
      try {
        const u = new URL(spec.server);
        if (u.protocol !== "https:" && u.protocol !== "http:") errs.push(`${FIELD}.server: must be an http(s) URL`);
      } catch {
        errs.push(`${FIELD}.server: is not a valid URL`);
      }
    }
    if (!spec?.okmsid) errs.push(`${FIELD}.okmsid: is required`);
    const auth = spec?.auth;
    if (!auth?.mtls && !auth?.token) errs.push(`${FIELD}.auth: missing authentication method (mtls | token)`);
    else if (auth.mtls && auth.token) errs.push(`${FIELD}.auth: only one authentication method allowed (mtls | token)`);
    else if (auth.mtls && (!auth.mtls.certSecretRef || !auth.mtls.keySecretRef)) {
      errs.push(`${FIELD}.auth.mtls: missing tls certificate or key`);
    } else if (auth.token && !auth.token.tokenSecretRef) {
      errs.push(`${FIELD}.auth.token.tokenSecretRef: is required`);
    }
    validateRef(auth?.token?.tokenSecretRef, `${FIELD}.auth.token.tokenSecretRef`, errs);
    validateRef(auth?.mtls?.certSecretRef, `${FIELD}.auth.mtls.certSecretRef`, errs);
    validateRef(auth?.mtls?.keySecretRef, `${FIELD}.auth.mtls.keySecretRef`, errs);
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: OvhProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const errors = ovhProvider.validate(spec, ctx.storeKind).errors;
    if (errors.length) throw new StoreConfigError(errors[0]);
    const okmsId = parseOkmsId(spec.okmsid);
    const auth = await resolveOkmsAuth(ctx, spec.auth);
    const seconds = spec.okmsTimeout ?? DEFAULT_TIMEOUT_SECONDS;
    const api = new OkmsApi({
      server: spec.server,
      okmsId,
      auth,
      timeoutMs: capTimeout(seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_SECONDS * 1000, ctx.deadline),
      signal: ctx.signal,
    });
    return new OvhClient(api, spec.casRequired ?? false, () => auth.agent?.destroy());
  },
};
