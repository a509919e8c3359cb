/** OCI Vault secrets: reads by name (and stage), find over the vault's secrets, push and scheduled deletion. */
import { NoSecretError, NotSupportedError, StoreConfigError } from "../errors.js";
import type {
  FindRef,
  PushRemoteRef,
  PushSecretData,
  PushSource,
  RemoteRef,
  SecretsClient,
  ValidationResult,
} from "../provider.js";
import { compileGoRegexp } from "../util/go-regexp.js";
import { getJsonProperty } from "../util/json-property.js";
import { parseJson } from "../util/json-value.js";
import type { OciVaultApi, SecretBundle, SecretSummary } from "./transport.js";

const P = "oracle";

export interface OracleTarget {
  vault: string;
  compartment?: string;
  encryptionKey?: string;
  /** ms; undefined lets OCI apply its default (30 days). */
  deletionGracePeriodMs?: number;
}

function decodeBundle(bundle: SecretBundle, name: string): Buffer {
  const c = bundle.secretBundleContent;
  if (c?.contentType !== "BASE64" || typeof c.content !== "string") {
    throw new Error(`${P}: secret ${JSON.stringify(name)}: unexpected secret bundle content`);
  }
  return Buffer.from(c.content, "base64");
}

/** As Go's json.Marshal of map[string]string: keys sorted, HTML characters escaped. */
function marshalStringMap(data: Record<string, Buffer>): string {
  const esc = (s: string) =>
    JSON.stringify(s)
      .replace(/</g, "\\u003c")
      .replace(/>/g, "\\u003e")
      .replace(/&/g, "\\u0026")
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029");
  const keys = Object.keys(data).sort();
  return `{${keys.map((k) => `${esc(k)}:${esc(data[k]!.toString("utf8"))}`).join(",")}}`;
}

/** Upstream's find: a name regexp when given (tags then ignored), else any one of the tags matching. */
function findMatcher(find: FindRef): (s: SecretSummary) => boolean {
  if (find.name) {
    const re = compileGoRegexp(find.name.regexp);
    return (s) => re.matches(s.secretName);
  }
  const wanted = Object.entries(find.tags ?? {});
  return (s) => wanted.some(([k, v]) => s.freeformTags?.[k] === v);
}

export class OracleClient implements SecretsClient {
  constructor(
    private readonly api: OciVaultApi,
    private readonly target: OracleTarget,
  ) {}

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const bundle = await this.api.secretBundleByName(this.target.vault, ref.key, ref.version || undefined);
    const payload = decodeBundle(bundle, ref.key);
    if (!ref.property) return payload;
    const v = getJsonProperty(payload.toString("utf8"), ref.property);
    if (v === undefined)
      throw new NoSecretError(`${P}: missing Key in secret: ${ref.key} (property ${JSON.stringify(ref.property)})`);
    return Buffer.from(v, "utf8");
  }

  /** The value must be a JSON object of strings (upstream decodes into map[string]string). */
  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const data = await this.getSecret(ref);
    const parsed = parseJson(data.toString("utf8"));
    if (parsed?.type !== "object") {
      throw new Error(`${P}: unable to unmarshal secret ${JSON.stringify(ref.key)} from JSON: not a JSON object`);
    }
    const out: Record<string, Buffer> = {};
    for (const [k, v] of parsed.entries) {
      if (v.type === "string") out[k] = Buffer.from(v.str, "utf8");
      else if (v.type === "null") out[k] = Buffer.alloc(0);
      else {
        throw new Error(
          `${P}: unable to unmarshal secret ${JSON.stringify(ref.key)} from JSON: the value of ${JSON.stringify(k)} is not a string`,
        );
      }
    }
    return out;
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const matches = findMatcher(find);
    if (!this.target.compartment) {
      throw new StoreConfigError(`${P}: spec.provider.oracle.compartment: is required for dataFrom.find`);
    }
    const out: Record<string, Buffer> = {};
    for (const s of await this.api.listSecrets(this.target.compartment, this.target.vault)) {
      if (!matches(s) || s.timeOfDeletion) continue;
      out[s.secretName] = await this.getSecret({ key: s.secretName });
    }
    return out;
  }

  /** The bundle of `name`, or undefined when the vault has no such secret. */
  private async existing(name: string): Promise<SecretBundle | undefined> {
    try {
      return await this.api.secretBundleByName(this.target.vault, name);
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    if (!this.target.encryptionKey) {
      throw new StoreConfigError(`${P}: spec.provider.oracle.encryptionKey: SecretStore must reference encryption key`);
    }
    let value: Buffer;
    if (data.secretKey) {
      const v = source.data[data.secretKey];
      if (v === undefined) {
        throw new StoreConfigError(
          `${P}: key "${data.secretKey}" not found in Secret ${source.namespace}/${source.name}`,
        );
      }
      value = v;
    } else {
      value = Buffer.from(marshalStringMap(source.data), "utf8");
    }
    const name = data.remoteRef.remoteKey;
    const content = value.toString("base64");
    const current = await this.existing(name);
    if (!current) {
      if (!this.target.compartment) {
        throw new StoreConfigError(
          `${P}: spec.provider.oracle.compartment: is required to create secret ${JSON.stringify(name)}`,
        );
      }
      await this.api.createSecret({
        compartmentId: this.target.compartment,
        vaultId: this.target.vault,
        keyId: this.target.encryptionKey,
        secretName: name,
        content,
      });
      return;
    }
    if (decodeBundle(current, name).equals(value)) return;
    await this.api.updateSecret(current.secretId, name, content);
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const current = await this.existing(ref.remoteKey);
    if (!current || current.timeOfDeletion) return;
    const grace = this.target.deletionGracePeriodMs;
    await this.api.scheduleSecretDeletion(
      current.secretId,
      ref.remoteKey,
      grace === undefined ? undefined : new Date(Date.now() + grace),
    );
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError(`${P}: secretExists: not implemented`);
  }

  /**
   * GetVault proves the credentials. NotAuthorizedOrNotFound counts as ready, as upstream: reading secrets
   * needs `read secret-family`, not `read vaults`, and a store may lack the latter.
   */
  async validate(): Promise<ValidationResult> {
    try {
      await this.api.getVault(this.target.vault);
      return { ready: true };
    } catch (err) {
      if (err instanceof NoSecretError) return { ready: true };
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {}
}
