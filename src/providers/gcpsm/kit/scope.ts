import type { CredentialScope } from "../../provider.js";

/**
 * Who is asking for a Google token and how to name things in errors: a store (`spec.provider.gcpsm.auth`,
 * messages prefixed "gcpsm") or a generator (`spec.auth`, "gcr"). Credentials resolve in `namespace` under the
 * rules of `storeKind`; generators pass "SecretStore", so they never borrow another namespace or the operator's
 * identity where a SecretStore could not.
 */
export interface GcpAuthScope extends CredentialScope {
  /** Path of the auth block in the resource, e.g. "spec.provider.gcpsm.auth" or "spec.auth". */
  authField: string;
  /** Prefix of error messages, e.g. "gcpsm". */
  label: string;
  signal?: AbortSignal;
}

/** What a token endpoint call needs from the scope. */
export type CallScope = Pick<GcpAuthScope, "label" | "signal">;
