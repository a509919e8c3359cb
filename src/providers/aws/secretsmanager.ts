/**
 * SecretsClient over AWS Secrets Manager, following ESO's behaviour: versions by stage or "uuid/<id>",
 * binary secrets, gjson properties (a dotted key wins over a path), tags via metadataPolicy Fetch, find by
 * name regexp (ListSecrets, or BatchGetSecretValue when a path prefix is given) and by tags, push with a
 * `managed-by: external-secrets` ownership tag, and delete only of owned secrets.
 */
import { randomUUID } from "node:crypto";
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  type Filter,
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ListSecretsCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-secrets-manager";
import { NoSecretError, StoreConfigError } from "../errors.js";
import type {
  BatchReads,
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
import { jsonToSecretMap } from "../util/secret-map.js";
import { batchAvailable, isBatchRefused, markBatchUnavailable } from "./batch-availability.js";
import { setJsonProperty, tagsToJson } from "./json-util.js";
import { type CredentialProvider, credentialsReady } from "./kit/credentials.js";
import { awsCall, isNotFound, mapAwsError } from "./kit/errors.js";
import { isManaged, parsePushMetadata, tagsWithOwnership, valueToPush } from "./push-metadata.js";
import { syncTags, tagList, tagMap } from "./tags.js";

const INITIAL_VERSION = "00000000-0000-0000-0000-000000000001";
const CURRENT = "AWSCURRENT";
/** BatchGetSecretValue takes at most 20 ids per call. */
const BATCH_IDS = 20;

/** The per-client cache key of one read: secret name, version, and whether it is the value or its tags. */
function cacheKey(name: string, version: string, what: "SECRET" | "TAG"): string {
  return `${name}#${version}#${what}`;
}

interface SmPushMetadata {
  tags: Record<string, string>;
  description: string;
  secretPushFormat: "binary" | "string";
  kmsKeyId: string;
}

export interface SecretsManagerOptions {
  prefix: string;
  forceDeleteWithoutRecovery?: boolean;
  recoveryWindowInDays?: number;
}

function payload(out: { SecretString?: string; SecretBinary?: Uint8Array } | undefined): Buffer | undefined {
  if (out?.SecretString !== undefined) return Buffer.from(out.SecretString, "utf8");
  if (out?.SecretBinary !== undefined) return Buffer.from(out.SecretBinary);
  return undefined;
}

export class SecretsManagerSecrets implements SecretsClient {
  private readonly cache = new Map<string, Buffer>();
  readonly batchReads: BatchReads = {
    batchable: (ref) => this.batchable(ref),
    getSecretBatch: (refs) => this.getSecretBatch(refs),
  };

  constructor(
    private readonly sm: SecretsManagerClient,
    private readonly credentials: CredentialProvider,
    private readonly opts: SecretsManagerOptions,
    /** Called by close(): returns a cached SDK client to its cache, or destroys a client this object owns. */
    private readonly release: () => void = () => this.sm.destroy(),
  ) {}

  /** The raw secret (or its tags as JSON with metadataPolicy Fetch), cached per client. */
  private async fetch(ref: RemoteRef): Promise<Buffer> {
    const key = this.opts.prefix + ref.key;
    const version = ref.version || CURRENT;
    const fetchTags = ref.metadataPolicy === "Fetch";
    const entry = cacheKey(key, version, fetchTags ? "TAG" : "SECRET");
    const hit = this.cache.get(entry);
    if (hit) return hit;
    let value: Buffer;
    if (fetchTags) {
      const out = await awsCall(`secretsmanager:DescribeSecret ${key}`, () =>
        this.sm.send(new DescribeSecretCommand({ SecretId: key })),
      );
      value = Buffer.from(tagsToJson(tagMap(out.Tags)), "utf8");
    } else {
      const input = version.startsWith("uuid/")
        ? { SecretId: key, VersionId: version.slice("uuid/".length) }
        : { SecretId: key, VersionStage: version };
      let out: GetSecretValueCommandOutput;
      try {
        out = await this.sm.send(new GetSecretValueCommand(input));
      } catch (err) {
        const e = err as { name?: string; message?: string };
        if (e?.name === "InvalidParameterException" && /marked for deletion/.test(e.message ?? "")) {
          throw new NoSecretError(`aws: secret "${key}" is marked for deletion`);
        }
        throw mapAwsError(err, `secretsmanager:GetSecretValue ${key}`);
      }
      const p = payload(out);
      if (!p) throw new Error(`aws: invalid secret received: no secret string nor binary for key "${key}"`);
      value = p;
    }
    this.cache.set(entry, value);
    return value;
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    return selectProperty(await this.fetch(ref), ref.property, ref.key, { literalKeyFirst: true });
  }

  /**
   * Current-version reads of the secret value can be served by BatchGetSecretValue, unless this client's
   * caller was recently refused that operation (then the coalescer reads them one by one straight away).
   */
  private batchable(ref: RemoteRef): boolean {
    return (!ref.version || ref.version === CURRENT) && ref.metadataPolicy !== "Fetch" && batchAvailable(this.sm);
  }

  /**
   * Many current-version reads in BatchGetSecretValue calls. Anything the batch does not answer (missing
   * secret, per-secret error, no batch permission, transient failure) is read one by one, so each ref gets
   * exactly the value or error getSecret would give.
   */
  private async getSecretBatch(refs: RemoteRef[]): Promise<(Buffer | Error)[]> {
    await this.prefetchCurrent(refs.filter((r) => this.batchable(r)));
    return Promise.all(refs.map((r) => this.getSecret(r).catch((err: unknown) => err as Error)));
  }

  /** Fills the cache with the current values of `refs` not cached yet; failures are left to the single reads. */
  private async prefetchCurrent(refs: RemoteRef[]): Promise<void> {
    const names = [...new Set(refs.map((r) => this.opts.prefix + r.key))].filter(
      (n) => !this.cache.has(cacheKey(n, CURRENT, "SECRET")),
    );
    for (let i = 0; i < names.length; i += BATCH_IDS) {
      const ids = names.slice(i, i + BATCH_IDS);
      let next: string | undefined;
      try {
        do {
          const page = await this.sm.send(new BatchGetSecretValueCommand({ SecretIdList: ids, NextToken: next }));
          for (const v of page.SecretValues ?? []) {
            const p = payload(v);
            const name = ids.find((id) => id === v.Name || id === v.ARN);
            if (p && name) this.cache.set(cacheKey(name, CURRENT, "SECRET"), p);
          }
          next = page.NextToken;
        } while (next);
      } catch (err) {
        if (isBatchRefused(err)) {
          markBatchUnavailable(this.sm);
          return;
        }
        // Transient (throttling, 5xx, timeout): batching stays on; the single reads decide per secret.
      }
    }
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    const hasTags = !!find.tags && Object.keys(find.tags).length > 0;
    if (!find.name && !hasTags) throw new StoreConfigError("aws: unexpected find operator: set name or tags");
    const filters: Filter[] = [];
    for (const [k, v] of Object.entries(find.tags ?? {})) {
      filters.push({ Key: "tag-key", Values: [k] }, { Key: "tag-value", Values: [v] });
    }
    const matcher = newFindMatcher({ name: find.name });
    if (find.path) filters.push({ Key: "name", Values: [find.path] });
    if (!find.name || find.path) return this.batch(filters, (name) => matcher.matchName(name));
    const out: Record<string, Buffer> = {};
    let next: string | undefined;
    do {
      const page = await awsCall("secretsmanager:ListSecrets", () =>
        this.sm.send(new ListSecretsCommand({ Filters: filters.length ? filters : undefined, NextToken: next })),
      );
      for (const s of page.SecretList ?? []) {
        if (!s.Name || !matcher.matchName(s.Name)) continue;
        out[s.Name] = await this.fetch({ key: s.Name.slice(this.opts.prefix.length) });
      }
      next = page.NextToken;
    } while (next);
    return out;
  }

  private async batch(filters: Filter[], keep: (name: string) => boolean): Promise<Record<string, Buffer>> {
    const out: Record<string, Buffer> = {};
    let next: string | undefined;
    do {
      const page = await awsCall("secretsmanager:BatchGetSecretValue", () =>
        this.sm.send(new BatchGetSecretValueCommand({ Filters: filters, NextToken: next })),
      );
      for (const v of page.SecretValues ?? []) {
        if (!v.Name || !keep(v.Name)) continue;
        const p = payload(v);
        if (p) out[v.Name] = p;
      }
      next = page.NextToken;
    } while (next);
    return out;
  }

  private pushMetadata(raw: unknown): SmPushMetadata {
    const m = parsePushMetadata<SmPushMetadata>(raw);
    const format = m.secretPushFormat ?? "binary";
    if (format !== "binary" && format !== "string")
      throw new StoreConfigError(`aws: invalid secret push format: ${format}`);
    return {
      tags: tagsWithOwnership(m.tags),
      description: m.description || "secret 'managed-by:external-secrets'",
      secretPushFormat: format,
      kmsKeyId: m.kmsKeyId || "alias/aws/secretsmanager",
    };
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const meta = this.pushMetadata(data.metadata);
    const value = valueToPush(source, data.secretKey, "string");
    const name = this.opts.prefix + data.remoteRef.remoteKey;
    const property = data.remoteRef.property;
    const body = (v: Buffer) =>
      meta.secretPushFormat === "string" ? { SecretString: v.toString("utf8") } : { SecretBinary: new Uint8Array(v) };
    let described: DescribeSecretCommandOutput;
    try {
      described = await this.sm.send(new DescribeSecretCommand({ SecretId: name }));
    } catch (err) {
      if (!isNotFound(err)) throw mapAwsError(err, `secretsmanager:DescribeSecret ${name}`);
      const initial = property ? Buffer.from(setJsonProperty("", property, value.toString("utf8"))) : value;
      await awsCall(`secretsmanager:CreateSecret ${name}`, () =>
        this.sm.send(
          new CreateSecretCommand({
            Name: name,
            ...body(initial),
            Tags: tagList(meta.tags),
            Description: meta.description,
            ClientRequestToken: INITIAL_VERSION,
            KmsKeyId: meta.kmsKeyId,
          }),
        ),
      );
      return;
    }
    const currentTags = tagMap(described.Tags);
    if (!isManaged(currentTags)) throw new Error(`aws: secret "${name}" is not managed by external-secrets`);
    await this.patchTags(name, currentTags, data.metadata ? meta.tags : undefined);
    let existing: Buffer | undefined;
    if (Object.keys(described.VersionIdsToStages ?? {}).length > 0) {
      const out = await awsCall(`secretsmanager:GetSecretValue ${name}`, () =>
        this.sm.send(new GetSecretValueCommand({ SecretId: name })),
      );
      existing = payload(out);
    }
    let next = value;
    if (property) {
      const current = existing?.toString("utf8") ?? "";
      try {
        next = Buffer.from(setJsonProperty(current, property, value.toString("utf8")), "utf8");
      } catch {
        throw new Error("aws: PushSecret to Secrets Manager with a property requires a JSON secret");
      }
    }
    if (existing?.equals(next)) return;
    await awsCall(`secretsmanager:PutSecretValue ${name}`, () =>
      this.sm.send(
        new PutSecretValueCommand({
          SecretId: name,
          ...body(next),
          ClientRequestToken: existing ? randomUUID() : INITIAL_VERSION,
        }),
      ),
    );
  }

  private async patchTags(name: string, current: Record<string, string>, desired: Record<string, string> | undefined) {
    if (!desired || Object.keys(desired).length <= 1) return;
    await syncTags(
      current,
      desired,
      (remove) =>
        awsCall(`secretsmanager:UntagResource ${name}`, () =>
          this.sm.send(new UntagResourceCommand({ SecretId: name, TagKeys: remove })),
        ),
      (list) =>
        awsCall(`secretsmanager:TagResource ${name}`, () =>
          this.sm.send(new TagResourceCommand({ SecretId: name, Tags: list })),
        ),
    );
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const name = this.opts.prefix + ref.remoteKey;
    let arn: string | undefined;
    try {
      arn = (await this.sm.send(new GetSecretValueCommand({ SecretId: name }))).ARN;
    } catch (err) {
      if (isNotFound(err)) return;
      throw mapAwsError(err, `secretsmanager:GetSecretValue ${name}`);
    }
    const described = await awsCall(`secretsmanager:DescribeSecret ${name}`, () =>
      this.sm.send(new DescribeSecretCommand({ SecretId: name })),
    );
    if (!isManaged(tagMap(described.Tags))) return;
    const { forceDeleteWithoutRecovery: force, recoveryWindowInDays: days } = this.opts;
    if (force && days) {
      throw new StoreConfigError(
        "spec.provider.aws.secretsManager: forceDeleteWithoutRecovery and recoveryWindowInDays are mutually exclusive",
      );
    }
    await awsCall(`secretsmanager:DeleteSecret ${name}`, () =>
      this.sm.send(
        new DeleteSecretCommand({
          SecretId: arn ?? name,
          ...(force ? { ForceDeleteWithoutRecovery: true } : {}),
          ...(days ? { RecoveryWindowInDays: days } : {}),
        }),
      ),
    );
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    const name = this.opts.prefix + ref.remoteKey;
    try {
      await this.sm.send(new GetSecretValueCommand({ SecretId: name }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw mapAwsError(err, `secretsmanager:GetSecretValue ${name}`);
    }
  }

  validate(): Promise<ValidationResult> {
    return credentialsReady(this.credentials);
  }

  async close(): Promise<void> {
    this.release();
  }
}
