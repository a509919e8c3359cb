/**
 * SecretsClient over AWS Systems Manager Parameter Store, following ESO's behaviour: GetParameter with
 * decryption, versions as `name:version`, gjson properties, tags via metadataPolicy Fetch, find by name
 * regexp under a path (GetParametersByPath, recursive) or by tags (DescribeParameters), push with the
 * `managed-by: external-secrets` tag and delete only of owned parameters.
 */
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  type GetParameterCommandOutput,
  GetParametersByPathCommand,
  ListTagsForResourceCommand,
  type ParameterStringFilter,
  type ParameterTier,
  type ParameterType,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { NoSecretError, StoreConfigError } from "../errors.js";
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
import { jsonToSecretMap } from "../util/secret-map.js";
import { tagsToJson } from "./json-util.js";
import { type CredentialProvider, credentialsReady } from "./kit/credentials.js";
import { awsCall, isNotFound, mapAwsError } from "./kit/errors.js";
import { isManaged, parsePushMetadata, tagsWithOwnership, valueToPush } from "./push-metadata.js";
import { syncTags, tagList, tagMap } from "./tags.js";

interface PsPushMetadata {
  secretType: ParameterType;
  kmsKeyID: string;
  tier: { type?: ParameterTier; policies?: unknown };
  encodeAsDecoded: boolean;
  tags: Record<string, string>;
  description: string;
}

export class ParameterStoreSecrets implements SecretsClient {
  constructor(
    private readonly ssm: SSMClient,
    private readonly credentials: CredentialProvider,
    private readonly prefix: string,
    /** Called by close(): returns a cached SDK client to its cache, or destroys a client this object owns. */
    private readonly release: () => void = () => this.ssm.destroy(),
  ) {}

  private async tags(name: string): Promise<Record<string, string>> {
    const out = await awsCall(`ssm:ListTagsForResource ${name}`, () =>
      this.ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name })),
    );
    return tagMap(out.TagList);
  }

  private async getParameter(name: string): Promise<GetParameterCommandOutput | undefined> {
    try {
      return await this.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw mapAwsError(err, `ssm:GetParameter ${name}`);
    }
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const name = this.prefix + ref.key + (ref.version ? `:${ref.version}` : "");
    let value: string;
    if (ref.metadataPolicy === "Fetch") {
      value = tagsToJson(await this.tags(name));
    } else {
      const out = await this.getParameter(name);
      if (!out?.Parameter) throw new NoSecretError(`aws: parameter "${ref.key}" not found`);
      if (out.Parameter.Value === undefined) throw new Error(`aws: parameter value is nil for key "${ref.key}"`);
      value = out.Parameter.Value;
    }
    return selectProperty(Buffer.from(value, "utf8"), ref.property, ref.key, { literalKeyFirst: true });
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    return jsonToSecretMap(await this.getSecret(ref), ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.name) return this.findByName(find);
    if (find.tags) return this.findByTags(find);
    throw new StoreConfigError("aws: unexpected find operator: set name or tags");
  }

  private async findByName(find: FindRef): Promise<Record<string, Buffer>> {
    const matcher = newFindMatcher({ name: find.name });
    const path = find.path || "/";
    const out: Record<string, Buffer> = {};
    let next: string | undefined;
    do {
      const page = await awsCall(`ssm:GetParametersByPath ${path}`, () =>
        this.ssm.send(
          new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: true, NextToken: next }),
        ),
      );
      for (const p of page.Parameters ?? []) {
        if (p.Name && p.Value !== undefined && matcher.matchName(p.Name)) out[p.Name] = Buffer.from(p.Value, "utf8");
      }
      next = page.NextToken;
    } while (next);
    return out;
  }

  private async findByTags(find: FindRef): Promise<Record<string, Buffer>> {
    const filters: ParameterStringFilter[] = Object.entries(find.tags ?? {}).map(([k, v]) => ({
      Key: `tag:${k}`,
      Option: "Equals",
      Values: [v],
    }));
    if (find.path) filters.push({ Key: "Path", Option: "Recursive", Values: [find.path] });
    const out: Record<string, Buffer> = {};
    let next: string | undefined;
    do {
      const page = await awsCall("ssm:DescribeParameters", () =>
        this.ssm.send(new DescribeParametersCommand({ ParameterFilters: filters, NextToken: next })),
      );
      for (const p of page.Parameters ?? []) {
        if (!p.Name) continue;
        const got = await this.getParameter(p.Name);
        if (got?.Parameter?.Value !== undefined) out[p.Name] = Buffer.from(got.Parameter.Value, "utf8");
      }
      next = page.NextToken;
    } while (next);
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const m = parsePushMetadata<PsPushMetadata>(data.metadata);
    const tags = tagsWithOwnership(m.tags);
    const type = m.secretType ?? "String";
    const value = valueToPush(source, data.secretKey, m.encodeAsDecoded ? "string" : "base64").toString("utf8");
    const name = this.prefix + data.remoteRef.remoteKey;
    const request = {
      Name: name,
      Value: value,
      Type: type,
      Description: m.description || "secret 'managed-by:external-secrets'",
      ...(type === "SecureString" ? { KeyId: m.kmsKeyID || "alias/aws/ssm" } : {}),
      ...(m.tier?.type === "Advanced"
        ? {
            Tier: "Advanced" as ParameterTier,
            ...(m.tier.policies ? { Policies: JSON.stringify(m.tier.policies) } : {}),
          }
        : {}),
    };
    const existing = await this.getParameter(name);
    if (!existing?.Parameter) {
      await awsCall(`ssm:PutParameter ${name}`, () =>
        this.ssm.send(
          new PutParameterCommand({
            ...request,
            Overwrite: false,
            Tags: tagList(tags),
          }),
        ),
      );
      return;
    }
    const current = await this.tags(name);
    if (!isManaged(current)) throw new Error(`aws: parameter "${name}" is not managed by external-secrets`);
    if (existing.Parameter.Value === value) return;
    await awsCall(`ssm:PutParameter ${name}`, () =>
      this.ssm.send(new PutParameterCommand({ ...request, Overwrite: true })),
    );
    await syncTags(
      current,
      tags,
      (remove) =>
        awsCall(`ssm:RemoveTagsFromResource ${name}`, () =>
          this.ssm.send(
            new RemoveTagsFromResourceCommand({ ResourceType: "Parameter", ResourceId: name, TagKeys: remove }),
          ),
        ),
      (list) =>
        awsCall(`ssm:AddTagsToResource ${name}`, () =>
          this.ssm.send(new AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: name, Tags: list })),
        ),
    );
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const name = this.prefix + ref.remoteKey;
    const existing = await this.getParameter(name);
    if (!existing?.Parameter) return;
    if (!isManaged(await this.tags(name))) return;
    try {
      await this.ssm.send(new DeleteParameterCommand({ Name: name }));
    } catch (err) {
      if (!isNotFound(err)) throw mapAwsError(err, `ssm:DeleteParameter ${name}`);
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return (await this.getParameter(this.prefix + ref.remoteKey)) !== undefined;
  }

  validate(): Promise<ValidationResult> {
    return credentialsReady(this.credentials);
  }

  async close(): Promise<void> {
    this.release();
  }
}
