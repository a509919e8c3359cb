/**
 * KubeAccess without a cluster, for `eso render`: Secrets, ConfigMaps and ServiceAccounts come from
 * manifests the user supplied. ServiceAccount tokens cannot be minted offline, so that auth fails with
 * a message saying what to do instead.
 */
import type { KubeAccess } from "../providers/provider.js";
import type { Manifest } from "./manifests.js";

/** A Secret manifest's values: data (base64) with stringData on top, as the API server merges them. */
export function secretManifestData(obj: Manifest): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, unknown>)) {
    out[k] = Buffer.from(String(v ?? ""), "base64");
  }
  for (const [k, v] of Object.entries((obj.stringData ?? {}) as Record<string, unknown>)) {
    out[k] = Buffer.from(String(v ?? ""), "utf8");
  }
  return out;
}

/** Secrets, ConfigMaps and ServiceAccount annotations held in maps; reads return copies. */
export abstract class InMemoryKubeAccess implements KubeAccess {
  protected readonly secrets = new Map<string, Record<string, Buffer>>();
  protected readonly configMaps = new Map<string, Record<string, string>>();
  protected readonly serviceAccounts = new Map<string, Record<string, string>>();

  async getSecret(namespace: string, name: string): Promise<Record<string, Buffer> | undefined> {
    const data = this.secrets.get(`${namespace}/${name}`);
    return data ? { ...data } : undefined;
  }

  async getConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const data = this.configMaps.get(`${namespace}/${name}`);
    return data ? { ...data } : undefined;
  }

  async getServiceAccountAnnotations(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const sa = this.serviceAccounts.get(`${namespace}/${name}`);
    return sa ? { ...sa } : undefined;
  }

  abstract createServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    audiences: string[],
    expirationSeconds?: number,
  ): Promise<string>;
}

export class ManifestKubeAccess extends InMemoryKubeAccess {
  /** Objects without a namespace are placed in `defaultNamespace`. */
  constructor(objects: Manifest[], defaultNamespace: string) {
    super();
    for (const obj of objects) {
      if (obj.apiVersion !== "v1") continue;
      const key = `${obj.metadata.namespace ?? defaultNamespace}/${obj.metadata.name}`;
      if (obj.kind === "Secret") this.secrets.set(key, secretManifestData(obj));
      else if (obj.kind === "ConfigMap") {
        const data: Record<string, string> = {};
        for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, unknown>)) data[k] = String(v ?? "");
        for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, unknown>)) {
          data[k] = Buffer.from(String(v ?? ""), "base64").toString("utf8");
        }
        this.configMaps.set(key, data);
      } else if (obj.kind === "ServiceAccount") {
        this.serviceAccounts.set(key, { ...((obj.metadata.annotations ?? {}) as Record<string, string>) });
      }
    }
  }

  async createServiceAccountToken(namespace: string, serviceAccount: string): Promise<string> {
    throw new Error(
      `ServiceAccount ${namespace}/${serviceAccount}: eso render has no cluster to request a ServiceAccount token from; use a secretRef-based auth method for a dry run`,
    );
  }
}
