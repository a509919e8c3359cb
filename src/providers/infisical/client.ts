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
import { newFindMatcher } from "../util/find.js";
import { selectProperty } from "../util/json-property.js";
import { pushValue, setJsonProperty } from "../util/push-value.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { secretAddress } from "./secret-address.js";
import type { InfisicalApi } from "./transport.js";

export interface ClientScope {
  projectSlug: string;
  environment: string;
  secretsPath: string;
  recursive: boolean;
}

/** The project id the writes need, resolved once per host, slug and identity. */
export interface ProjectIds {
  get(): Promise<{ id: string; cached: boolean }>;
  forget(): void;
}

function parseVersion(version: string | undefined, key: string): number | undefined {
  if (!version || version === "latest") return undefined;
  const n = Number(version);
  if (!Number.isInteger(n) || n < 1) {
    throw new StoreConfigError(`infisical: key "${key}": version must be a positive integer`);
  }
  return n;
}

function jsonObject(value: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new StoreConfigError(`${what}: value is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Reads and writes shared secrets of one project environment. */
export class InfisicalClient implements SecretsClient {
  constructor(
    private readonly api: InfisicalApi,
    private readonly scope: ClientScope,
    private readonly projects: ProjectIds,
  ) {}

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const { path, name } = secretAddress(this.scope.secretsPath, ref.key);
    const secret = await this.api.getSecret(path, name, parseVersion(ref.version, ref.key));
    return selectProperty(Buffer.from(secret.secretValue, "utf8"), ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.tags && Object.keys(find.tags).length)
      throw new NotSupportedError("infisical: find by tags not supported");
    const matcher = newFindMatcher({ name: find.name });
    const secrets = await this.api.listSecrets(this.scope.secretsPath, this.scope.recursive, true);
    const out: Record<string, Buffer> = {};
    for (const s of secrets) {
      if (!matcher.matchName(s.secretKey)) continue;
      // As upstream, find.path selects by the folder a secret lives in.
      if (find.path && !(s.secretPath ?? this.scope.secretsPath).startsWith(find.path)) continue;
      out[s.secretKey] = Buffer.from(s.secretValue, "utf8");
    }
    return out;
  }

  /** The current value, or undefined when the secret does not exist (imports left out: only own secrets). */
  private async existing(path: string, name: string): Promise<string | undefined> {
    try {
      return (await this.api.getSecret(path, name, undefined, false)).secretValue;
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  }

  /**
   * Runs a write with the project id. A cached id that now answers 404 may belong to a project deleted (and
   * perhaps recreated under the same slug): it is resolved again once.
   */
  private async withProject(write: (projectId: string) => Promise<void>): Promise<void> {
    const first = await this.projects.get();
    try {
      await write(first.id);
    } catch (err) {
      if (!first.cached || !(err instanceof NoSecretError)) throw err;
      this.projects.forget();
      await write((await this.projects.get()).id);
    }
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const remoteKey = data.remoteRef.remoteKey;
    if (!remoteKey) throw new StoreConfigError("infisical: remoteKey is required to push a secret to Infisical");
    const { path, name } = secretAddress(this.scope.secretsPath, remoteKey);
    let value = pushValue(source, data, "infisical");
    const existing = await this.existing(path, name);
    if (data.remoteRef.property) {
      value = setJsonProperty(existing, data.remoteRef.property, value, `infisical: secret "${remoteKey}"`);
    }
    if (existing === value) return;
    await this.withProject((id) =>
      existing === undefined
        ? this.api.createSecret(id, path, name, value)
        : this.api.updateSecret(id, path, name, value),
    );
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    if (!ref.remoteKey) throw new StoreConfigError("infisical: remoteKey is required to delete a secret");
    const { path, name } = secretAddress(this.scope.secretsPath, ref.remoteKey);
    const existing = await this.existing(path, name);
    if (existing === undefined) return;
    if (ref.property) {
      const obj = jsonObject(
        existing,
        `infisical: secret "${ref.remoteKey}": cannot delete property "${ref.property}"`,
      );
      if (!(ref.property in obj)) return;
      delete obj[ref.property];
      if (Object.keys(obj).length > 0) {
        const updated = JSON.stringify(obj);
        await this.withProject((id) => this.api.updateSecret(id, path, name, updated));
        return;
      }
    }
    try {
      await this.withProject((id) => this.api.deleteSecret(id, path, name));
    } catch (err) {
      // It existed a moment ago: a 404 now is a concurrent delete.
      if (!(err instanceof NoSecretError)) throw err;
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    if (!ref.remoteKey) throw new StoreConfigError("infisical: remoteKey is required");
    const { path, name } = secretAddress(this.scope.secretsPath, ref.remoteKey);
    const existing = await this.existing(path, name);
    if (existing === undefined) return false;
    if (!ref.property) return true;
    const obj = jsonObject(existing, `infisical: secret "${ref.remoteKey}": cannot check property "${ref.property}"`);
    return ref.property in obj;
  }

  async validate(): Promise<ValidationResult> {
    const s = this.scope;
    try {
      await this.api.listSecrets(s.secretsPath, s.recursive, false);
      return { ready: true };
    } catch (err) {
      return {
        ready: false,
        message: `cannot read secrets with provided project scope project:${s.projectSlug} environment:${s.environment} secret-path:${s.secretsPath} recursive:${s.recursive}: ${(err as Error).message}`,
      };
    }
  }

  async close(): Promise<void> {}
}
