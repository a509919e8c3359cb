/**
 * Read-only client over the objects of one Kubernetes resource (any kind but Secret), as upstream's crd
 * provider: an object is its JSON (keys sorted), property is a gjson path into it, extract maps its top-level
 * keys, find lists the objects whose names match. The whitelist is checked before every read.
 */
import type { ResourceDescriptor } from "../../kube/index.js";
import { NoSecretError, NotSupportedError, ProviderAuthError, StoreConfigError } from "../errors.js";
import type { FindRef, PushRemoteRef, RemoteRef, SecretsClient, StoreKind, ValidationResult } from "../provider.js";
import { gjsonGet } from "../util/gjson-path.js";
import { compileGoRegexp } from "../util/go-regexp.js";
import { parseJson } from "../util/json-value.js";
import { existsBy } from "../util/readiness.js";
import { jsonToSecretMap } from "../util/secret-map.js";
import { parseRemoteKey } from "./keys.js";
import { goJson } from "./serialize.js";
import type { CrdApi, KubeObjectJson, ResourceRef } from "./transport.js";
import type { Whitelist } from "./whitelist.js";

export interface CrdClientOptions {
  resource: ResourceRef;
  storeKind: StoreKind;
  /** remoteNamespace, else the namespace of the store (SecretStore) or of the consumer (ClusterSecretStore). */
  namespace: string;
  /** Set for a ClusterSecretStore: find lists only there (keys are then bare names). */
  remoteNamespace?: string;
  whitelist: Whitelist;
  /** A referent ClusterSecretStore cannot be checked before a consumer names its namespace. */
  referent: boolean;
}

export class CrdClient implements SecretsClient {
  private resource?: Promise<ResourceDescriptor>;

  constructor(
    private readonly api: CrdApi,
    private readonly opts: CrdClientOptions,
  ) {}

  private rd(): Promise<ResourceDescriptor> {
    this.resource ??= this.api.discover(this.opts.resource).catch((err) => {
      this.resource = undefined;
      throw err;
    });
    return this.resource;
  }

  private async fetch(key: string, property: string | undefined): Promise<KubeObjectJson> {
    const parsed = parseRemoteKey(this.opts.storeKind, key);
    if (!this.opts.whitelist.allows(parsed.name, parsed.namespace ?? "", property ? [property] : [])) {
      throw new StoreConfigError(`crd: request for ${JSON.stringify(key)} denied by whitelist rules`);
    }
    const rd = await this.rd();
    if (!rd.namespaced) {
      if (parsed.namespace !== undefined) {
        throw new StoreConfigError(
          `crd: ${rd.kind} is cluster-scoped: remoteRef.key must be the object name, without '/'`,
        );
      }
      return this.api.get(rd, undefined, parsed.name);
    }
    let namespace = parsed.namespace;
    if (namespace === undefined) {
      if (this.opts.storeKind === "ClusterSecretStore") {
        throw new StoreConfigError(
          `crd: ${rd.kind} is namespaced: a ClusterSecretStore needs remoteRef.key as namespace/objectName`,
        );
      }
      namespace = this.opts.namespace;
    }
    return this.api.get(rd, namespace, parsed.name);
  }

  private value(obj: KubeObjectJson, key: string, property: string | undefined): Buffer {
    const json = goJson(obj);
    if (!property) return Buffer.from(json, "utf8");
    const found = gjsonGet(json, property);
    if (!found)
      throw new NoSecretError(`crd: property ${JSON.stringify(property)} not found in object ${JSON.stringify(key)}`);
    return Buffer.from(found.type === "string" ? found.str : found.raw, "utf8");
  }

  async getSecret(ref: RemoteRef): Promise<Buffer> {
    return this.value(await this.fetch(ref.key, ref.property), ref.key, ref.property);
  }

  async getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>> {
    const raw = this.value(await this.fetch(ref.key, ref.property), ref.key, ref.property);
    // Upstream keeps a value that is not a JSON object whole, under "value".
    if (parseJson(raw.toString("utf8"))?.type !== "object") return { value: raw };
    return jsonToSecretMap(raw, ref.key);
  }

  async getAllSecrets(find: FindRef): Promise<Record<string, Buffer>> {
    if (find.path) throw new NotSupportedError("crd: dataFrom.find.path is not supported by the crd provider");
    if (find.tags && Object.keys(find.tags).length > 0) {
      throw new NotSupportedError("crd: dataFrom.find.tags is not supported by the crd provider");
    }
    const nameRe = find.name?.regexp ? compileGoRegexp(find.name.regexp) : undefined;
    const rd = await this.rd();
    const cluster = this.opts.storeKind === "ClusterSecretStore";
    let listNamespace: string | undefined;
    if (rd.namespaced) listNamespace = cluster ? this.opts.remoteNamespace : this.opts.namespace;
    // Reads by name need only "get"; find needs "list", checked here so the answer names the missing permission.
    if (!(await this.api.mayI(rd, "list", listNamespace ?? ""))) {
      throw new ProviderAuthError(
        `crd: not allowed to list ${rd.plural}${listNamespace ? ` in namespace ${listNamespace}` : " in all namespaces"}`,
      );
    }
    const out: Record<string, Buffer> = {};
    for (const item of await this.api.list(rd, listNamespace)) {
      const name = item.metadata?.name ?? "";
      const namespace = item.metadata?.namespace ?? "";
      const key = rd.namespaced && cluster && listNamespace === undefined ? `${namespace}/${name}` : name;
      if (nameRe && !nameRe.matches(key)) continue;
      if (!this.opts.whitelist.allows(name, namespace, [])) continue;
      out[key] = Buffer.from(goJson(item), "utf8");
    }
    return out;
  }

  async pushSecret(): Promise<void> {
    throw new NotSupportedError("crd: PushSecret is not supported");
  }

  async deleteSecret(): Promise<void> {
    throw new NotSupportedError("crd: DeleteSecret is not supported");
  }

  /** Whether the object exists and the whitelist lets this store see it (so it cannot probe beyond it). */
  async secretExists(ref: PushRemoteRef): Promise<boolean> {
    return existsBy(() => this.fetch(ref.remoteKey, ref.property));
  }

  async validate(): Promise<ValidationResult> {
    if (this.opts.referent) return { ready: true };
    try {
      const rd = await this.rd();
      let namespace = "";
      if (rd.namespaced) {
        namespace = this.opts.storeKind === "SecretStore" ? this.opts.namespace : (this.opts.remoteNamespace ?? "");
      }
      if (!(await this.api.mayI(rd, "get", namespace))) {
        return {
          ready: false,
          message: `crd: not allowed to get ${rd.plural}${namespace ? ` in namespace ${namespace}` : ""}`,
        };
      }
      return { ready: true };
    } catch (err) {
      return { ready: false, message: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    this.api.close();
  }
}
