/** The Keystone credentials a store's auth block names: a password, or an application credential. */
import type { BarbicanProvider } from "../../../api/providers/barbican.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import type { KeystoneCredentials } from "./keystone.js";

const FIELD = "spec.provider.barbican.auth";

async function valueOrRef(
  ctx: ProviderContext,
  ref: { value?: string; secretRef?: { name: string; key?: string; namespace?: string } } | undefined,
  field: string,
): Promise<string> {
  if (ref?.value) return ref.value;
  if (!ref?.secretRef) throw new StoreConfigError(`${field}: must specify either value or secretRef`);
  return resolveSecretKeyString(ctx, ref.secretRef, `${field}.secretRef`);
}

export async function resolveKeystoneCredentials(
  spec: BarbicanProvider,
  ctx: ProviderContext,
): Promise<KeystoneCredentials> {
  const auth = spec.auth ?? {};
  const type = auth.authType ?? "password";
  if (type === "applicationCredential") {
    const id = await valueOrRef(ctx, auth.applicationCredentialID, `${FIELD}.applicationCredentialID`);
    const ref = auth.applicationCredentialSecret?.secretRef;
    if (!ref) throw new StoreConfigError(`${FIELD}.applicationCredentialSecret.secretRef: is required`);
    const secret = await resolveSecretKeyString(ctx, ref, `${FIELD}.applicationCredentialSecret.secretRef`);
    return { kind: "applicationCredential", id, secret };
  }
  if (type !== "password")
    throw new StoreConfigError(`${FIELD}.authType: unsupported auth type ${JSON.stringify(type)}`);
  const username = await valueOrRef(ctx, auth.username, `${FIELD}.username`);
  const ref = auth.password?.secretRef;
  if (!ref) throw new StoreConfigError(`${FIELD}.password.secretRef: is required`);
  const password = await resolveSecretKeyString(ctx, ref, `${FIELD}.password.secretRef`);
  return { kind: "password", username, password, tenantName: spec.tenantName, domainName: spec.domainName };
}
