/** Credential entries as upstream flattens them into Secret keys, and the one field a PushSecret sets. */
import { StoreConfigError } from "../errors.js";
import type { DvlsEntry } from "./transport.js";

const SUBTYPE_FIELDS: Record<string, [string, string][]> = {
  Default: [
    ["username", "username"],
    ["password", "password"],
    ["domain", "domain"],
  ],
  AccessCode: [["password", "password"]],
  ApiKey: [
    ["apiId", "api-id"],
    ["apiKey", "api-key"],
    ["tenantId", "tenant-id"],
  ],
  AzureServicePrincipal: [
    ["clientId", "client-id"],
    ["clientSecret", "client-secret"],
    ["tenantId", "tenant-id"],
  ],
  ConnectionString: [["connectionString", "connection-string"]],
  PrivateKey: [
    ["username", "username"],
    ["password", "password"],
    ["privateKeyData", "private-key"],
    ["publicKeyData", "public-key"],
    ["privateKeyPassPhrase", "passphrase"],
  ],
};

const describe = (e: DvlsEntry) => `${e.type ?? ""}/${e.subType ?? ""}`;

/** entry-id, entry-name, then the subtype's non-empty fields. Only Credential entries are supported. */
export function credentialMap(entry: DvlsEntry): Record<string, string> {
  const fields = entry.type === "Credential" ? SUBTYPE_FIELDS[entry.subType ?? ""] : undefined;
  if (!fields) throw new StoreConfigError(`dvls: entry ${entry.id ?? ""}: unsupported entry type ${describe(entry)}`);
  const out: Record<string, string> = { "entry-id": entry.id ?? "", "entry-name": entry.name ?? "" };
  const data = entry.data ?? {};
  for (const [field, key] of fields) {
    const v = data[field];
    if (typeof v === "string" && v !== "") out[key] = v;
  }
  return out;
}

/** The entry with its secret replaced: the password of a Default or AccessCode credential, as upstream. */
export function withSecret(entry: DvlsEntry, secret: string): DvlsEntry {
  if (entry.type !== "Credential" || (entry.subType !== "Default" && entry.subType !== "AccessCode")) {
    throw new StoreConfigError(
      `dvls: entry ${entry.id ?? ""}: cannot set secret for credential subtype ${describe(entry)}`,
    );
  }
  return { ...entry, data: { ...(entry.data ?? {}), password: secret } };
}
