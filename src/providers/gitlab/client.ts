import { NoSecretError, NotSupportedError, StoreConfigError } from "../errors.js";
import type { FindRef, RemoteRef, SecretsClient, ValidationResult } from "../provider.js";
import { newFindMatcher } from "../util/find.js";
import { selectProperty } from "../util/json-property.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import type { GitlabApi, GitlabVariable } from "./transport.js";

export interface GitlabTarget {
  projectID?: string;
  groupIDs: string[];
  inheritFromGroups: boolean;
  environment?: string;
}

const isEmptyOrWildcard = (env: string | undefined) => !env || env === "*";

/** Read-only client over project and group CI/CD variables, resolved as upstream ESO does. */
export class GitlabClient implements SecretsClient {
  private groups?: string[];

  constructor(
    private readonly api: GitlabApi,
    private readonly target: GitlabTarget,
  ) {}

  private async groupIDs(): Promise<string[]> {
    if (this.groups) return this.groups;
    if (this.target.inheritFromGroups && this.target.projectID) {
      this.groups = await this.api.projectGroups(this.target.projectID);
    } else {
      this.groups = this.target.groupIDs;
    }
    return this.groups;
  }

  private async projectValue(key: string): Promise<string | undefined> {
    const project = this.target.projectID;
    if (!project) return undefined;
    const env = this.target.environment;
    try {
      return (await this.api.projectVariable(project, key, env || undefined)).value;
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
    }
    if (isEmptyOrWildcard(env)) return undefined;
    try {
      return (await this.api.projectVariable(project, key, "*")).value;
    } catch (err) {
      if (!(err instanceof NoSecretError)) throw err;
      return undefined;
    }
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    // GitLab variable keys allow only [A-Za-z0-9_]; upstream maps hyphens to underscores.
    const key = ref.key.replaceAll("-", "_");
    let value = await this.projectValue(key);
    if (value === undefined) {
      const groups = await this.groupIDs();
      // The last group listed wins, as upstream iterates groupIDs from the end.
      for (let i = groups.length - 1; i >= 0 && value === undefined; i--) {
        try {
          value = (await this.api.groupVariable(groups[i]!, key)).value;
        } catch (err) {
          if (!(err instanceof NoSecretError)) throw err;
        }
      }
    }
    if (value === undefined) throw new NoSecretError(`gitlab: variable "${key}" not found`);
    return selectProperty(Buffer.from(value, "utf8"), ref.property, key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.path) throw new NotSupportedError("gitlab: dataFrom.find.path is not supported by the GitLab provider");
    let env = this.target.environment;
    if (find.tags) {
      const keys = Object.keys(find.tags);
      if (keys.some((k) => k !== "environment_scope")) {
        throw new StoreConfigError("gitlab: dataFrom.find.tags: only environment_scope is supported");
      }
      env = find.tags.environment_scope;
    }
    const matcher = newFindMatcher({ name: find.name });
    const matches = (v: GitlabVariable) => {
      const scope = v.environment_scope ?? "*";
      const scopeOk = !env || scope === env || scope === "*";
      return { ok: scopeOk && matcher.matchName(v.key), wildcard: scope === "*" };
    };
    const out: Record<string, Buffer> = {};
    for (const group of await this.groupIDs()) {
      for (const v of await this.api.groupVariables(group)) {
        if (matches(v).ok) out[v.key] = Buffer.from(v.value, "utf8");
      }
    }
    if (this.target.projectID) {
      const seenExact = new Set<string>();
      for (const v of await this.api.projectVariables(this.target.projectID)) {
        const m = matches(v);
        if (!m.ok) continue;
        // A variable scoped to the environment beats the wildcard one of the same key.
        if (m.wildcard && seenExact.has(v.key)) continue;
        if (!m.wildcard) seenExact.add(v.key);
        out[v.key] = Buffer.from(v.value, "utf8");
      }
    }
    return out;
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError("gitlab: PushSecret is not supported by the GitLab provider (read-only)");
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError("gitlab: deleting secrets is not supported by the GitLab provider (read-only)");
  }

  async secretExists(): Promise<boolean> {
    throw new NotSupportedError("gitlab: secretExists is not supported by the GitLab provider (read-only)");
  }

  async validate(): Promise<ValidationResult> {
    try {
      if (this.target.projectID) await this.api.project(this.target.projectID);
      for (const g of await this.groupIDs()) await this.api.group(g);
      return { ready: true };
    } catch (err) {
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {}
}
