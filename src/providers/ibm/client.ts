/** Reads IBM Cloud Secrets Manager secrets by ID or by group and name, per secret type, as upstream ESO. */
import { NoSecretError, NotSupportedError } from "../errors.js";
import type { RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { goJsonMarshal } from "../util/go-json.js";
import { getJsonProperty } from "../util/json-property.js";
import { readinessOf } from "../util/readiness.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import type { IamTokenSource } from "./auth/iam-token.js";
import { goValueString } from "./go-format.js";
import { isKnownType, isUuid, parseSecretKey } from "./secret-ref.js";
import type { IbmSecret, IbmSecretsManagerApi } from "./transport.js";

const P = "ibm";

function missing(prop: string, secret: string): NoSecretError {
  return new NoSecretError(`${P}: key ${prop} does not exist in secret ${secret}`);
}

/** A field as upstream's `val.(string)`; anything else is printed as %v would. */
function fieldText(v: unknown): string {
  return typeof v === "string" ? v : goValueString(v);
}

function requireProperty(ref: RemoteRef, type: string): string {
  if (!ref.property) throw new Error(`${P}: remoteRef.property required for secret type ${type}`);
  return ref.property;
}

/** kv and custom_credentials: the whole JSON object, or one property (a dotted name first as a literal key). */
function kvValue(ref: RemoteRef, data: unknown): string {
  const json = goJsonMarshal(data ?? null);
  if (!ref.property) return json;
  const selected = getJsonProperty(json, ref.property, { literalKeyFirst: ref.property.indexOf(".") > 0 });
  if (selected === undefined) throw missing(ref.property, ref.key);
  return selected;
}

export class IbmClient implements SecretsClient {
  constructor(
    private readonly api: IbmSecretsManagerApi,
    private readonly tokens: IamTokenSource,
  ) {}

  private async fetch(name: string, type: string, group: string | undefined): Promise<IbmSecret> {
    if (isUuid(name)) return this.api.secretById(name);
    if (!group)
      throw new Error(`${P}: failed to fetch the secret ${JSON.stringify(name)}, secret group name is missing`);
    return this.api.secretByName(group, type, name);
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const { group, type, name } = parseSecretKey(ref.key);
    if (!isKnownType(type)) throw new Error(`${P}: unknown secret type ${type}`);
    const text = (s: string) => Buffer.from(s, "utf8");
    switch (type) {
      case "arbitrary": {
        const s = await this.fetch(name, type, group);
        if (!("payload" in s)) throw missing("payload", name);
        return text(fieldText(s.payload));
      }
      case "iam_credentials": {
        const s = await this.fetch(name, type, group);
        if (!("api_key" in s)) throw missing("api_key", name);
        return text(fieldText(s.api_key));
      }
      case "service_credentials": {
        const s = await this.fetch(name, type, group);
        if (!("credentials" in s)) throw missing("credentials", name);
        return text(goJsonMarshal(s.credentials));
      }
      case "username_password":
      case "public_cert":
      case "private_cert":
      case "imported_cert": {
        const prop = requireProperty(ref, type);
        const s = await this.fetch(name, type, group);
        if (prop in s) return text(fieldText(s[prop]));
        // An imported certificate may lack these; upstream syncs them empty so a kubernetes.io/tls Secret still forms.
        if (type === "imported_cert" && (prop === "intermediate" || prop === "private_key")) return Buffer.alloc(0);
        throw missing(prop, ref.key);
      }
      case "kv":
        return text(kvValue(ref, (await this.fetch(name, type, group)).data));
      case "custom_credentials":
        return text(kvValue(ref, (await this.fetch(name, type, group)).credentials_content));
    }
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const { group, type, name } = parseSecretKey(ref.key);
    if (!isKnownType(type)) throw new Error(`${P}: unknown secret type ${type}`);
    const s = await this.fetch(name, type, group);
    const out: Record<string, Buffer> = {};
    const fields: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(s)) fields[k] = Buffer.from(goValueString(v), "utf8");
    if (ref.metadataPolicy === "Fetch") Object.assign(out, fields);
    const need = (...props: string[]) => {
      for (const p of props) if (!(p in s)) throw missing(p, name);
    };
    switch (type) {
      case "arbitrary":
        need("payload");
        out.arbitrary = fields.payload!;
        return out;
      case "username_password":
        need("username", "password");
        out.username = fields.username!;
        out.password = fields.password!;
        return out;
      case "iam_credentials":
        need("api_key");
        out.apikey = fields.api_key!;
        return out;
      case "service_credentials":
        need("credentials");
        out.credentials = fields.credentials!;
        return out;
      case "imported_cert":
        need("certificate");
        out.certificate = fields.certificate!;
        out.intermediate = fields.intermediate ?? Buffer.alloc(0);
        out.private_key = fields.private_key ?? Buffer.alloc(0);
        return out;
      case "public_cert":
        need("certificate", "intermediate", "private_key");
        out.certificate = fields.certificate!;
        out.intermediate = fields.intermediate!;
        out.private_key = fields.private_key!;
        return out;
      case "private_cert":
        need("certificate", "private_key");
        out.certificate = fields.certificate!;
        out.private_key = fields.private_key!;
        return out;
      case "kv":
        return Object.assign(out, jsonToSecretMap(Buffer.from(kvValue(ref, s.data)), ref.key));
      case "custom_credentials":
        return Object.assign(out, jsonToSecretMap(Buffer.from(kvValue(ref, s.credentials_content)), ref.key));
    }
  }

  async getAllSecrets(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError(`${P}: dataFrom.find: not implemented`);
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError(`${P}: PushSecret: not implemented`);
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError(`${P}: deleting secrets: not implemented`);
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError(`${P}: secretExists: not implemented`);
  }

  /** Upstream reports ready without a call; exchanging the credential for a token also proves it works. */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.tokens.token());
  }

  async close(): Promise<void> {}
}
