/**
 * The Kubernetes API calls of a crd store: discovery of the configured kind, a SelfSubjectAccessReview, and get
 * and list of its objects. API errors become provider errors naming the call, never a response body.
 */
import { ApiError, type KubeClient, type ResourceDescriptor } from "../../kube/index.js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError, StoreConfigError } from "../errors.js";

export interface ResourceRef {
  group: string;
  version: string;
  kind: string;
}

export interface KubeObjectJson {
  metadata?: { name?: string; namespace?: string };
  [k: string]: unknown;
}

function groupVersion(r: ResourceRef): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function crdError(err: unknown, what: string): Error {
  if (err instanceof ApiError && err.code > 0) {
    if (err.code === 401 || err.code === 403)
      return new ProviderAuthError(`crd: ${what}: not authorized (HTTP ${err.code})`);
    if (err.code === 429) return new ProviderThrottledError(`crd: ${what}: rate limited (HTTP 429)`);
    return new Error(`crd: ${what}: HTTP ${err.code}`);
  }
  return new Error(`crd: ${what}: ${(err as Error).message}`);
}

export class CrdApi {
  constructor(
    private readonly client: KubeClient,
    private readonly signal?: AbortSignal,
  ) {}

  close(): void {
    this.client.close();
  }

  /** The resource serving `ref.kind` in its group/version (plural name and scope), from discovery. */
  async discover(ref: ResourceRef): Promise<ResourceDescriptor> {
    const gv = groupVersion(ref);
    const path = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
    let list: { resources?: { name?: string; kind?: string; namespaced?: boolean }[] };
    try {
      list = await this.client.request({ method: "GET", path, signal: this.signal });
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) {
        throw new StoreConfigError(`crd: group/version ${JSON.stringify(gv)} is not served by the cluster`);
      }
      throw crdError(err, `discover ${gv}`);
    }
    const wanted = ref.kind.toLowerCase();
    for (const r of list?.resources ?? []) {
      if (!r?.name || r.name.includes("/")) continue;
      if (r.kind?.toLowerCase() === wanted) {
        return {
          group: ref.group,
          version: ref.version,
          plural: r.name,
          kind: r.kind,
          namespaced: r.namespaced === true,
        };
      }
    }
    throw new StoreConfigError(
      `crd: kind ${JSON.stringify(ref.kind)} not found in group/version ${JSON.stringify(gv)}`,
    );
  }

  /** Whether the connection's identity may `verb` the resource (in `namespace`, or cluster-wide when empty). */
  async mayI(rd: ResourceDescriptor, verb: "get" | "list", namespace: string): Promise<boolean> {
    let review: { status?: { allowed?: boolean } };
    try {
      review = await this.client.request({
        method: "POST",
        path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: {
            resourceAttributes: {
              group: rd.group,
              version: rd.version,
              resource: rd.plural,
              verb,
              ...(namespace ? { namespace } : {}),
            },
          },
        },
        signal: this.signal,
      });
    } catch (err) {
      throw crdError(err, `verify "${verb}" permission on ${rd.plural}`);
    }
    return review?.status?.allowed === true;
  }

  async get(rd: ResourceDescriptor, namespace: string | undefined, name: string): Promise<KubeObjectJson> {
    const where = namespace ? `${namespace}/${name}` : name;
    let obj: KubeObjectJson | undefined;
    try {
      obj = await this.client.get<KubeObjectJson>(rd, namespace ?? "", name, this.signal);
    } catch (err) {
      throw crdError(err, `get ${rd.kind ?? rd.plural} ${where}`);
    }
    if (!obj) throw new NoSecretError(`crd: ${rd.kind ?? rd.plural} ${JSON.stringify(where)} not found`);
    return obj;
  }

  async list(rd: ResourceDescriptor, namespace: string | undefined): Promise<KubeObjectJson[]> {
    try {
      return await this.client.list<KubeObjectJson>(rd, namespace, undefined, this.signal);
    } catch (err) {
      throw crdError(err, `list ${rd.plural}${namespace ? ` in namespace ${namespace}` : ""}`);
    }
  }
}
