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
import { pushValue } from "../util/push-value.js";
import { existsBy, readinessOf } from "../util/readiness.js";
import { bitwardenSecretMap } from "./secret-map.js";
import type { BitwardenSdkServer, BitwardenSecret } from "./transport.js";

const P = "bitwardensecretsmanager";
/** PushSecret metadata key holding the note written with the secret. */
export const NOTE_METADATA_KEY = "note";

/** go-openapi strfmt.IsUUID: dashed or 32 hex digits, any case. */
const UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;
export const isUUID = (s: string): boolean => UUID.test(s);

function noteFromMetadata(metadata: unknown): string {
  if (metadata === undefined || metadata === null) return "";
  if (typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new StoreConfigError(`${P}: PushSecret metadata: must be an object`);
  }
  const note = (metadata as Record<string, unknown>)[NOTE_METADATA_KEY];
  if (note === undefined || note === null) return "";
  if (typeof note !== "string") throw new StoreConfigError(`${P}: PushSecret metadata.note: must be a string`);
  return note;
}

export interface BitwardenScope {
  organizationID: string;
  projectID: string;
}

export class BitwardenClient implements SecretsClient {
  constructor(
    private readonly api: BitwardenSdkServer,
    private readonly scope: BitwardenScope,
  ) {}

  /**
   * The one secret named `key` in the store's project: every secret of the organization with that name is read,
   * as the list carries no project. Two in the project is an error.
   */
  private async findByName(key: string): Promise<BitwardenSecret | undefined> {
    let found: BitwardenSecret | undefined;
    for (const id of await this.api.listSecrets(this.scope.organizationID)) {
      if (id.key !== key) continue;
      const s = await this.api.getSecret(id.id);
      if (s.projectId !== this.scope.projectID) continue;
      if (found) {
        throw new StoreConfigError(
          `${P}: more than one secret found for project ${this.scope.projectID} with key "${key}"`,
        );
      }
      found = s;
    }
    return found;
  }

  private async secretByRef(key: string): Promise<BitwardenSecret> {
    if (isUUID(key)) return this.api.getSecret(key);
    const s = await this.findByName(key);
    if (!s) throw new NoSecretError(`${P}: secret "${key}" not found in project ${this.scope.projectID}`);
    return s;
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    return Buffer.from((await this.secretByRef(ref.key)).value, "utf8");
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const s = await this.secretByRef(ref.key);
    return bitwardenSecretMap(s.value, ref.key);
  }

  /** Every secret of the organization the token can read, keyed by its ID; find.name matches the secret's name. */
  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.tags && Object.keys(find.tags).length > 0) {
      throw new NotSupportedError(`${P}: find.tags: not supported`);
    }
    if (find.path) throw new NotSupportedError(`${P}: find.path: not supported`);
    const matcher = newFindMatcher({ name: find.name });
    const out: Record<string, Buffer> = {};
    for (const id of await this.api.listSecrets(this.scope.organizationID)) {
      if (!matcher.matchName(id.key)) continue;
      out[id.id] = Buffer.from((await this.api.getSecret(id.id)).value, "utf8");
    }
    return out;
  }

  /**
   * As upstream: a secret with the same name, note and project is updated when only its value differs and left
   * alone when it matches; anything else gets a new secret (a name alone never proves the secret is ours).
   */
  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const remoteKey = data.remoteRef.remoteKey;
    if (!remoteKey) throw new StoreConfigError(`${P}: remote key must be defined`);
    const value = pushValue(source, data, P);
    const note = noteFromMetadata(data.metadata);
    const { organizationID, projectID } = this.scope;
    for (const id of await this.api.listSecrets(organizationID)) {
      if (id.key !== remoteKey) continue;
      const s = await this.api.getSecret(id.id);
      if (s.key !== remoteKey || s.note !== note || (s.projectId ?? "") !== projectID) continue;
      if (s.value === value) return;
      await this.api.updateSecret({
        id: s.id,
        key: remoteKey,
        note,
        organizationId: organizationID,
        projectIds: [projectID],
        value,
      });
      return;
    }
    await this.api.createSecret({
      key: remoteKey,
      note,
      organizationId: organizationID,
      projectIds: [projectID],
      value,
    });
  }

  /** Deletes the secret (by ID, or the one of that name in the project); one already gone is left alone. */
  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    let id = ref.remoteKey;
    if (!isUUID(id)) {
      const s = await this.findByName(ref.remoteKey);
      if (!s) return;
      id = s.id;
    }
    const results = await this.api.deleteSecrets([id]);
    const failed = results.filter((r) => r.error);
    if (failed.length > 0) {
      throw new Error(`${P}: there were one or more errors deleting secrets: ${failed.map((f) => f.id).join(", ")}`);
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    if (isUUID(ref.remoteKey)) {
      return existsBy(() => this.api.getSecret(ref.remoteKey));
    }
    return (await this.findByName(ref.remoteKey)) !== undefined;
  }

  /** Lists the organization's secrets: proves the SDK server is reachable and the token logs in. */
  validate(): Promise<ValidationResult> {
    return readinessOf(() => this.api.listSecrets(this.scope.organizationID));
  }

  async close(): Promise<void> {}
}
