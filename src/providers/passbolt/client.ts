/**
 * Read-only Passbolt client, as upstream: a resource by id as JSON (name, username, password, uri, description)
 * or one of those properties, and dataFrom.find by a regexp on the decrypted name, keyed by resource id.
 * The session is opened on first use and closed with the client.
 */
import { NotSupportedError, StoreConfigError } from "../errors.js";
import type { FindRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { compileGoRegexp } from "../util/go-regexp.js";
import type { UserKey } from "./pgp.js";
import type { PassboltApi, PassboltResource } from "./transport.js";

export interface PassboltSecret {
  name: string;
  username: string;
  password: string;
  uri: string;
  description: string;
}

const PROPERTIES = ["name", "username", "uri", "password", "description"] as const;

/** Go's encoding/json of the struct with HTML escaping off (upstream's esutils.JSONMarshal). */
export function secretJson(s: PassboltSecret): string {
  const ordered = { name: s.name, username: s.username, password: s.password, uri: s.uri, description: s.description };
  return JSON.stringify(ordered)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export class PassboltClient implements SecretsClient {
  private session?: Promise<void>;
  private readonly typeSlugs = new Map<string, Promise<string>>();

  constructor(
    private readonly api: PassboltApi,
    private readonly key: UserKey,
  ) {}

  private loggedIn(): Promise<void> {
    if (!this.session) {
      this.session = this.api.login(this.key);
      this.session.catch(() => {
        this.session = undefined;
      });
    }
    return this.session;
  }

  private slug(typeId: string): Promise<string> {
    let s = this.typeSlugs.get(typeId);
    if (!s) {
      s = this.api.resourceType(typeId).then((t) => t.slug);
      this.typeSlugs.set(typeId, s);
      s.catch(() => this.typeSlugs.delete(typeId));
    }
    return s;
  }

  private async read(id: string, known?: PassboltResource): Promise<PassboltSecret> {
    const resource = known ?? (await this.api.resource(id));
    const slug = resource.resource_type_id ? await this.slug(resource.resource_type_id) : "password-string";
    const plain = await this.key.decrypt((await this.api.secret(resource.id)).data, `secret of "${id}"`);
    const out: PassboltSecret = {
      name: resource.name ?? "",
      username: resource.username ?? "",
      password: "",
      uri: resource.uri ?? "",
      description: resource.description ?? "",
    };
    switch (slug) {
      case "password-string":
        out.password = plain;
        return out;
      case "password-and-description":
      case "password-description-totp":
      case "totp": {
        let data: { password?: unknown; description?: unknown };
        try {
          data = JSON.parse(plain);
        } catch {
          throw new Error(`passbolt: secret of "${id}": the decrypted secret is not JSON`);
        }
        if (typeof data.password === "string") out.password = data.password;
        if (typeof data.description === "string") out.description = data.description;
        return out;
      }
      default:
        throw new NotSupportedError(`passbolt: resource "${id}": Unknown ResourceType: ${slug}`);
    }
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    await this.loggedIn();
    const secret = await this.read(ref.key);
    if (!ref.property) return Buffer.from(secretJson(secret), "utf8");
    if (!(PROPERTIES as readonly string[]).includes(ref.property)) {
      throw new StoreConfigError("passbolt: property must be one of name, username, uri, password or description");
    }
    return Buffer.from(secret[ref.property as keyof PassboltSecret], "utf8");
  }

  async getSecretMap(): Promise<Record<string, Buffer>> {
    throw new NotSupportedError("passbolt: not implemented");
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (!find.name?.regexp) throw new StoreConfigError("passbolt: missing: find.name.regexp");
    const re = compileGoRegexp(find.name.regexp);
    await this.loggedIn();
    const out: Record<string, Buffer> = {};
    for (const r of await this.api.resources()) {
      const secret = await this.read(r.id, r);
      if (re.matches(secret.name)) out[r.id] = Buffer.from(secretJson(secret), "utf8");
    }
    return out;
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError("passbolt: not implemented");
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError("passbolt: not implemented");
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError("passbolt: not implemented");
  }

  async validate(): Promise<ValidationResult> {
    try {
      await this.loggedIn();
      if (!(await this.api.isAuthenticated())) {
        this.session = undefined;
        return { ready: false, message: "passbolt: the session was not accepted after login" };
      }
      return { ready: true };
    } catch (err) {
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    if (!this.session) return;
    const s = this.session;
    this.session = undefined;
    try {
      await s;
      await this.api.logout();
    } catch {
      // No session to end, or it lapses server-side.
    }
  }
}
