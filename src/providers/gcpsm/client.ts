import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
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
import { readinessOf } from "../util/readiness.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { GcpPreconditionError, gcpCall } from "./errors.js";

export const MANAGED_BY_LABEL = "managed-by";
export const MANAGED_BY_VALUE = "external-secrets";

/** Transport retries are off: the controllers own retry and backoff. */
const NO_RETRY = { retry: null } as any;

export interface GcpTarget {
  projectID: string;
  location?: string;
  versionPolicy: "LatestOrFail" | "LatestOrFetch";
}

const payloadOf = (data: unknown): Buffer =>
  typeof data === "string"
    ? Buffer.from(data, "base64")
    : Buffer.from((data as Uint8Array | undefined) ?? new Uint8Array());

export class GcpSMClient implements SecretsClient {
  constructor(
    private readonly sm: SecretManagerServiceClient,
    private readonly target: GcpTarget,
  ) {}

  private get parent(): string {
    const { projectID, location } = this.target;
    return location ? `projects/${projectID}/locations/${location}` : `projects/${projectID}`;
  }

  private secretName(key: string): string {
    return `${this.parent}/secrets/${key}`;
  }

  private async access(key: string, version = "latest"): Promise<Buffer> {
    const name = `${this.secretName(key)}/versions/${version}`;
    try {
      const [v] = await gcpCall(`secret "${key}" version ${version}`, () =>
        this.sm.accessSecretVersion({ name }, NO_RETRY),
      );
      return payloadOf(v.payload?.data);
    } catch (err) {
      if (version === "latest" && this.target.versionPolicy === "LatestOrFetch" && isPrecondition(err)) {
        return this.newestEnabled(key);
      }
      throw err;
    }
  }

  /** LatestOrFetch: when the latest version is disabled or destroyed, the newest enabled version. */
  private async newestEnabled(key: string): Promise<Buffer> {
    const [versions] = await gcpCall(`secret "${key}" versions`, () =>
      this.sm.listSecretVersions({ parent: this.secretName(key), filter: "state:ENABLED" }, NO_RETRY),
    );
    const newest = versions
      .map((v) => Number(v.name?.split("/").pop()))
      .filter((n) => Number.isInteger(n))
      .sort((a, b) => b - a)[0];
    if (newest === undefined) throw new NoSecretError(`gcpsm: secret "${key}" has no enabled version`);
    return this.access(key, String(newest));
  }

  private async metadata(ref: RemoteRef): Promise<Buffer> {
    const [s] = await gcpCall(`secret "${ref.key}"`, () =>
      this.sm.getSecret({ name: this.secretName(ref.key) }, NO_RETRY),
    );
    const labels = (s.labels ?? {}) as Record<string, string>;
    const annotations = (s.annotations ?? {}) as Record<string, string>;
    const p = ref.property ?? "";
    if (!p) return Buffer.from(JSON.stringify({ annotations, labels }), "utf8");
    if (p === "labels") return Buffer.from(JSON.stringify(labels), "utf8");
    if (p === "annotations") return Buffer.from(JSON.stringify(annotations), "utf8");
    const m = /^(labels|annotations)\.(.+)$/.exec(p);
    const source = m?.[1] === "labels" ? labels : m?.[1] === "annotations" ? annotations : undefined;
    const value = source && m ? source[m[2]!] : undefined;
    if (value === undefined) throw new NoSecretError(`gcpsm: key "${ref.key}": metadata "${p}" does not exist`);
    return Buffer.from(value, "utf8");
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    if (ref.metadataPolicy === "Fetch") return this.metadata(ref);
    const payload = await this.access(ref.key, ref.version || "latest");
    return selectProperty(payload, ref.property, ref.key);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.path) throw new NotSupportedError("gcpsm: dataFrom.find.path is not supported by GCP Secret Manager");
    const matcher = newFindMatcher({ name: find.name });
    const filter = Object.entries(find.tags ?? {})
      .map(([k, v]) => `labels.${k}=${v}`)
      .join(" AND ");
    const [secrets] = await gcpCall("list secrets", () =>
      this.sm.listSecrets({ parent: this.parent, ...(filter ? { filter } : {}) }, NO_RETRY),
    );
    const out: Record<string, Buffer> = {};
    for (const s of secrets) {
      const key = s.name?.split("/").pop();
      if (!key || !matcher.matchName(key)) continue;
      try {
        out[key] = await this.access(key);
      } catch (err) {
        // Secrets without an enabled latest version are skipped, as upstream.
        if (!(err instanceof NoSecretError) && !isPrecondition(err)) throw err;
      }
    }
    return out;
  }

  private async existing(key: string): Promise<{ labels: Record<string, string> } | undefined> {
    try {
      const [s] = await gcpCall(`secret "${key}"`, () => this.sm.getSecret({ name: this.secretName(key) }, NO_RETRY));
      return { labels: (s.labels ?? {}) as Record<string, string> };
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  }

  private async latestOrUndefined(key: string): Promise<Buffer | undefined> {
    try {
      return await this.access(key);
    } catch (err) {
      if (err instanceof NoSecretError || isPrecondition(err)) return undefined;
      throw err;
    }
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const key = data.remoteRef.remoteKey;
    let value = pushValue(source, data, "gcpsm");
    const secret = await this.existing(key);
    if (!secret) {
      await gcpCall(`create secret "${key}"`, () =>
        this.sm.createSecret(
          {
            parent: this.parent,
            secretId: key,
            secret: {
              labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
              ...(this.target.location ? {} : { replication: { automatic: {} } }),
            },
          },
          NO_RETRY,
        ),
      );
    } else if (secret.labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
      throw new StoreConfigError(`gcpsm: secret "${key}" exists and is not managed by external-secrets`);
    }
    const current = secret ? await this.latestOrUndefined(key) : undefined;
    if (data.remoteRef.property) {
      value = setJsonProperty(current?.toString("utf8"), data.remoteRef.property, value, `gcpsm: secret "${key}"`);
    }
    if (current?.toString("utf8") === value) return;
    await gcpCall(`add version to secret "${key}"`, () =>
      this.sm.addSecretVersion(
        { parent: this.secretName(key), payload: { data: Buffer.from(value, "utf8") } },
        NO_RETRY,
      ),
    );
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const secret = await this.existing(ref.remoteKey);
    if (!secret || secret.labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) return;
    if (ref.property) {
      const current = await this.latestOrUndefined(ref.remoteKey);
      let obj: Record<string, unknown> | undefined;
      try {
        obj = current ? (JSON.parse(current.toString("utf8")) as Record<string, unknown>) : undefined;
      } catch {
        obj = undefined;
      }
      if (obj && ref.property in obj) {
        delete obj[ref.property];
        if (Object.keys(obj).length > 0) {
          const data = Buffer.from(JSON.stringify(obj), "utf8");
          await gcpCall(`add version to secret "${ref.remoteKey}"`, () =>
            this.sm.addSecretVersion({ parent: this.secretName(ref.remoteKey), payload: { data } }, NO_RETRY),
          );
          return;
        }
      }
    }
    await gcpCall(`delete secret "${ref.remoteKey}"`, () =>
      this.sm.deleteSecret({ name: this.secretName(ref.remoteKey) }, NO_RETRY),
    );
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return (await this.existing(ref.remoteKey)) !== undefined;
  }

  validate(): Promise<ValidationResult> {
    return readinessOf(() =>
      gcpCall("list secrets", () =>
        this.sm.listSecrets({ parent: this.parent, pageSize: 1 }, { ...NO_RETRY, autoPaginate: false }),
      ),
    );
  }

  async close(): Promise<void> {
    await this.sm.close();
  }
}

function isPrecondition(err: unknown): boolean {
  return err instanceof GcpPreconditionError;
}
