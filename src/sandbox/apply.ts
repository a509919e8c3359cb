/** Installs the CRDs and creates the demo objects through the API, as kubectl apply would (create if missing). */
import { allCRDs } from "../api/crds.js";
import {
  CUSTOM_RESOURCE_DEFINITIONS,
  isAlreadyExists,
  type KubeClient,
  type KubeObject,
  type ResourceDescriptor,
  resourceFor,
} from "../kube/index.js";
import { describe, type Manifest } from "./manifests.js";

type CRD = KubeObject & { spec?: unknown };

/** The REST resource of a manifest: a built-in kind or one of this API's kinds. */
export function resourceTypeOf(obj: Pick<Manifest, "apiVersion" | "kind">): ResourceDescriptor {
  const rd = resourceFor(obj.apiVersion, obj.kind);
  if (!rd) throw new Error(`${obj.apiVersion} ${obj.kind} is not a kind the sandbox serves`);
  return rd;
}

/** Creates every CRD of the bundle, or brings an existing one up to date. Returns how many were installed. */
export async function installCRDs(client: KubeClient): Promise<number> {
  const crds = allCRDs() as CRD[];
  for (const crd of crds) {
    try {
      await client.create(CUSTOM_RESOURCE_DEFINITIONS, crd);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const live = await client.get<CRD>(CUSTOM_RESOURCE_DEFINITIONS, "", crd.metadata?.name ?? "");
      if (JSON.stringify(live?.spec) !== JSON.stringify(crd.spec)) {
        await client.update(CUSTOM_RESOURCE_DEFINITIONS, {
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
    try {
      await client.create(resourceTypeOf(obj), obj);
      created.push(describe(obj));
    } catch (err) {
      if (!isAlreadyExists(err)) throw new Error(`could not create ${describe(obj)}: ${(err as Error).message}`);
      kept.push(describe(obj));
    }
  }
  return { created, kept };
}
