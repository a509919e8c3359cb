/** Installs the CRDs and creates the demo objects through the API, as kubectl apply would (create if missing). */
import { allCRDs } from "../api/crds.js";
import { findResource } from "../api/resources.js";
import { isConflict, type KubeClient, type KubeObject, type ResourceType } from "../controllers/common/kube-client.js";
import {
  apiVersionOf,
  ConfigMaps,
  CustomResourceDefinitions,
  Namespaces,
  Secrets,
  ServiceAccounts,
} from "../runtime/resource.js";
import { describe, type Manifest } from "./manifests.js";

/** The built-in kinds a sandbox manifest may hold (those the in-process API server serves). */
const BUILT_IN = [Namespaces, Secrets, ConfigMaps, ServiceAccounts, CustomResourceDefinitions];

/** The REST resource of a manifest, from the API's resource table for external-secrets.io kinds. */
export function resourceTypeOf(obj: Pick<Manifest, "apiVersion" | "kind">): ResourceType {
  const own = findResource(obj.apiVersion, obj.kind);
  if (own) {
    const { def, version } = own;
    return { group: def.group, version: version.name, plural: def.plural, namespaced: def.scope === "Namespaced" };
  }
  const builtIn = BUILT_IN.find((rd) => rd.kind === obj.kind && apiVersionOf(rd) === obj.apiVersion);
  if (!builtIn) throw new Error(`${obj.apiVersion} ${obj.kind} is not a kind the sandbox serves`);
  return builtIn;
}

/** Creates every CRD of the bundle, or brings an existing one up to date. Returns how many were installed. */
export async function installCRDs(client: KubeClient): Promise<number> {
  const crds = allCRDs() as KubeObject[];
  for (const crd of crds) {
    try {
      await client.create(CustomResourceDefinitions, crd);
    } catch (err) {
      if (!isConflict(err)) throw err;
      const live = await client.get<KubeObject>(CustomResourceDefinitions, "", crd.metadata?.name ?? "");
      if (JSON.stringify(live?.spec) !== JSON.stringify(crd.spec)) {
        await client.update(CustomResourceDefinitions, {
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
      await client.create(resourceTypeOf(obj), obj as KubeObject);
      created.push(describe(obj));
    } catch (err) {
      if (!isConflict(err)) throw new Error(`could not create ${describe(obj)}: ${(err as Error).message}`);
      kept.push(describe(obj));
    }
  }
  return { created, kept };
}
