/**
 * Reads (and for PushSecret writes) Secrets in the store's remoteNamespace, as upstream's kubernetes
 * provider: a Secret is a JSON object of its keys; property selects a key (or a gjson path into it);
 * find matches Secret names by regexp or labels by tags.
 */

import {
  ApiError,
  decodeSecretData as decodeData,
  encodeSecretData as encodeData,
  type KubeClient,
  resourcePath,
  SECRETS,
} from "../../kube/index.js";
import { NoSecretError, NotSupportedError, ProviderAuthError, StoreConfigError } from "../errors.js";
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

interface SecretObj {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
  type?: string;
}

/** JSON with sorted keys and no HTML escaping, as upstream marshals secret maps. */
function jsonOfStrings(map: Record<string, string>): Buffer {
  const sorted = Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, map[k]]),
  );
  return Buffer.from(JSON.stringify(sorted), "utf8");
}

function valuesJson(data: Record<string, Buffer>): Buffer {
  return jsonOfStrings(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString("utf8")])));
}

function metadataMap(secret: SecretObj): Record<string, Buffer> {
  return {
    annotations: Buffer.from(JSON.stringify(secret.metadata.annotations ?? {}), "utf8"),
    labels: Buffer.from(JSON.stringify(secret.metadata.labels ?? {}), "utf8"),
  };
}

function metadataJson(secret: SecretObj): Buffer {
  const m = metadataMap(secret);
  return Buffer.from(`{"annotations":${m.annotations!.toString()},"labels":${m.labels!.toString()}}`, "utf8");
}

export class KubernetesClient implements SecretsClient {
  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly signal?: AbortSignal,
  ) {}

  private get(name: string): Promise<SecretObj | undefined> {
    return this.client.get<SecretObj>(SECRETS, this.namespace, name, this.signal);
  }

  private wrap(err: unknown, what: string): Error {
    if (err instanceof ApiError && err.code > 0) {
      if (err.code === 401 || err.code === 403) {
        return new ProviderAuthError(`kubernetes: ${what}: not authorized (HTTP ${err.code})`);
      }
      return new Error(`kubernetes: ${what}: HTTP ${err.code}`);
    }
    return new Error(`kubernetes: ${what}: ${(err as Error).message}`);
  }

  private async read(name: string): Promise<SecretObj> {
    let secret: SecretObj | undefined;
    try {
      secret = await this.get(name);
    } catch (err) {
      throw this.wrap(err, `get secret ${JSON.stringify(name)}`);
    }
    if (!secret) throw new NoSecretError(`kubernetes: secret ${JSON.stringify(name)} not found`);
    return secret;
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    const secret = await this.read(ref.key);
    const whole = ref.metadataPolicy === "Fetch" ? metadataJson(secret) : valuesJson(decodeData(secret.data));
    return selectProperty(whole, ref.property, ref.key, { literalKeyFirst: true });
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const secret = await this.read(ref.key);
    return ref.metadataPolicy === "Fetch" ? metadataMap(secret) : decodeData(secret.data);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.path) throw new NotSupportedError("kubernetes: find.path is not supported by the kubernetes provider");
    const matcher = newFindMatcher({ name: find.name, tags: find.tags });
    let selector: string | undefined;
    if (find.tags && Object.keys(find.tags).length > 0) {
      selector = Object.entries(find.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    }
    let items: SecretObj[];
    try {
      items = await this.client.list<SecretObj>(SECRETS, this.namespace, selector, this.signal);
    } catch (err) {
      throw this.wrap(err, "list secrets");
    }
    const out: Record<string, Buffer> = {};
    for (const item of items) {
      if (!matcher.matches(item.metadata.name, item.metadata.labels)) continue;
      out[item.metadata.name] = valuesJson(decodeData(item.data));
    }
    return out;
  }

  async pushSecret(source: PushSource, data: PushSecretData): Promise<void> {
    const property = data.remoteRef.property;
    if (!property && data.secretKey) {
      throw new StoreConfigError("kubernetes: remoteRef.property is required to push a single secret key");
    }
    const name = data.remoteRef.remoteKey;
    const existing = await this.get(name).catch((err) => {
      throw this.wrap(err, `get secret ${JSON.stringify(name)}`);
    });
    let remoteData = decodeData(existing?.data);
    if (property) {
      let value: Buffer | undefined;
      if (data.secretKey) value = source.data[data.secretKey];
      else value = valuesJson(source.data);
      if (value === undefined) {
        throw new StoreConfigError(`kubernetes: key ${JSON.stringify(data.secretKey)} not found in the source Secret`);
      }
      remoteData[property] = value;
    } else {
      remoteData = { ...remoteData, ...source.data };
    }
    const body: SecretObj = {
      ...(existing ?? {}),
      metadata: { ...(existing?.metadata ?? { name }), name, namespace: this.namespace },
      data: encodeData(remoteData),
    };
    if (!existing) (body as any).apiVersion = "v1";
    if (!existing) (body as any).kind = "Secret";
    try {
      if (existing) await this.client.update(SECRETS, body, this.signal);
      else await this.client.create(SECRETS, body, this.signal);
    } catch (err) {
      throw this.wrap(err, `write secret ${JSON.stringify(name)}`);
    }
  }

  async deleteSecret(ref: PushRemoteRef): Promise<void> {
    const existing = await this.get(ref.remoteKey).catch((err) => {
      throw this.wrap(err, `get secret ${JSON.stringify(ref.remoteKey)}`);
    });
    if (!existing) return;
    try {
      if (ref.property) {
        const data = decodeData(existing.data);
        if (!(ref.property in data)) return;
        delete data[ref.property];
        if (Object.keys(data).length > 0) {
          await this.client.update(SECRETS, { ...existing, data: encodeData(data) });
          return;
        }
      }
      await this.client.delete(SECRETS, this.namespace, ref.remoteKey, { signal: this.signal });
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      throw this.wrap(err, `delete secret ${JSON.stringify(ref.remoteKey)}`);
    }
  }

  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    const existing = await this.get(ref.remoteKey).catch((err) => {
      throw this.wrap(err, `get secret ${JSON.stringify(ref.remoteKey)}`);
    });
    if (!existing) return false;
    return ref.property ? ref.property in decodeData(existing.data) : true;
  }

  async validate(): Promise<ValidationResult> {
    try {
      await this.client.request({
        method: "GET",
        path: resourcePath(SECRETS, this.namespace),
        query: { limit: 1 },
        signal: this.signal,
        timeoutMs: 10_000,
      });
      return { ready: true };
    } catch (err) {
      if (err instanceof ApiError && (err.code === 401 || err.code === 403)) {
        return {
          ready: false,
          message: `kubernetes: cannot list secrets in namespace ${this.namespace}: HTTP ${err.code}`,
        };
      }
      return { ready: false, message: this.wrap(err, `list secrets in namespace ${this.namespace}`).message };
    }
  }

  async close(): Promise<void> {}
}
