/** Installs the CRDs and creates the demo objects through the API, as kubectl apply would (create if missing). */
import { allCRDs } from "../api/crds.js";
import { isConflict, type KubeClient, type KubeObject, type ResourceType } from "../controllers/common/kube-client.js";
import { describe, type Manifest } from "./manifests.js";

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "CustomResourceDefinition",
  "ClusterSecretStore",
  "ClusterExternalSecret",
  "ClusterGenerator",
  "ClusterPushSecret",
]);

/** The REST resource of a manifest: plural is the lower-cased kind + "s", as for every kind used here. */
export function resourceTypeOf(obj: Pick<Manifest, "apiVersion" | "kind">): ResourceType {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/", 2) : ["", obj.apiVersion];
  return {
    group: group!,
    version: version!,
    plural: `${obj.kind.toLowerCase()}s`,
    namespaced: !CLUSTER_SCOPED.has(obj.kind),
  };
}

const CRDS: ResourceType = {
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: "customresourcedefinitions",
  namespaced: false,
};

/** Creates every CRD of the bundle, or brings an existing one up to date. Returns how many were installed. */
export async function installCRDs(client: KubeClient): Promise<number> {
  const crds = allCRDs() as KubeObject[];
  for (const crd of crds) {
    try {
      await client.create(CRDS, crd);
    } catch (err) {
      if (!isConflict(err)) throw err;
      const live = await client.get<KubeObject>(CRDS, "", crd.metadata?.name ?? "");
      if (JSON.stringify(live?.spec) !== JSON.stringify(crd.spec)) {
        await client.update(CRDS, {
          ...crd,
          metadata: { ...crd.metadata, resourceVersion: live?.metadata?.resourceVersion },
        });
      }
    }
  }
  return crds.length;
}

/** Creates each object that does not exist yet; existing ones (kept in --data-dir) are left as they are. */
export async function createMissing(
  client: KubeClient,
  objects: Manifest[],
): Promise<{ created: string[]; kept: string[] }> {
  const created: string[] = [];
  const kept: string[] = [];
  for (const obj of objects) {
    const rt = resourceTypeOf(obj);
    try {
      await client.create(rt, obj as KubeObject);
      created.push(describe(obj));
    } catch (err) {
      if (!isConflict(err)) throw new Error(`could not create ${describe(obj)}: ${(err as Error).message}`);
      kept.push(describe(obj));
    }
  }
  return { created, kept };
}
