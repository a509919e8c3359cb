/**
 * Read-only client over Workload Credentials static secrets, as upstream: a secret is a JSON object; getSecret
 * gives one property or the whole object, getSecretMap its properties, getAllSecrets every property of every
 * matching secret under a folder, keyed `<secret path>/<property>`.
 */
import { NoSecretError, NotSupportedError } from "../errors.js";
import type { FindRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { newFindMatcher } from "../util/find.js";
import { goJsonMarshal } from "../util/go-json.js";
import type { WorkloadCredentialsApi } from "./transport.js";

const P = "beyondtrustworkloadcredentials";

/** Strings as they are; anything else as Go's json.Marshal writes it. */
function valueBytes(v: unknown): Buffer {
  return Buffer.from(typeof v === "string" ? v : goJsonMarshal(v), "utf8");
}

function splitPath(p: string): { dir: string; name: string } {
  const at = p.lastIndexOf("/");
  return at < 0 ? { dir: "", name: p } : { dir: p.slice(0, at), name: p.slice(at + 1) };
}

export class WorkloadCredentialsClient implements SecretsClient {
  constructor(
    private readonly api: WorkloadCredentialsApi,
    private readonly folderPath: string,
  ) {}

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const { secret } = await this.api.getStatic(ref.key, this.folderPath);
    if (!ref.property) return Buffer.from(goJsonMarshal(secret), "utf8");
    if (!Object.hasOwn(secret, ref.property)) {
      throw new NoSecretError(`${P}: property "${ref.property}" not found in secret "${ref.key}"`);
    }
    return valueBytes(secret[ref.property]);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const { secret } = await this.api.getStatic(ref.key, this.folderPath);
    const out: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(secret)) out[k] = valueBytes(v);
    return out;
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const folder = find.path !== undefined ? find.path.replace(/\/$/, "") : this.folderPath;
    const matcher = newFindMatcher({ name: find.name?.regexp ? find.name : undefined });
    const out: Record<string, Buffer> = {};
    for (const item of await this.api.listStatic(folder)) {
      const { dir, name } = splitPath(item.path);
      if (!matcher.matchName(name)) continue;
      let full: Awaited<ReturnType<WorkloadCredentialsApi["getStatic"]>>;
      try {
        full = await this.api.getStatic(name, dir || folder);
      } catch (err) {
        if (err instanceof NoSecretError) continue;
        throw err;
      }
      if (find.tags && Object.keys(find.tags).length) {
        const tags = full.metadata?.tags ?? {};
        if (!Object.entries(find.tags).every(([k, v]) => tags[k] === v)) continue;
      }
      for (const [k, v] of Object.entries(full.secret)) out[`${item.path}/${k}`] = valueBytes(v);
    }
    if (!Object.keys(out).length) throw new NoSecretError(`${P}: no secret matched in "${folder || "/"}"`);
    return out;
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError(`${P}: not implemented: PushSecret`);
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError(`${P}: not implemented: DeleteSecret`);
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError(`${P}: not implemented: SecretExists`);
  }

  async validate(): Promise<ValidationResult> {
    try {
      await this.api.checkSession();
      return { ready: true };
    } catch (err) {
      return { ready: false, message: `authentication validation failed: ${(err as Error).message}` };
    }
  }

  async close(): Promise<void> {}
}
