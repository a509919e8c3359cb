/**
 * Finds the generator object a generatorRef names and the implementation to run it: a namespaced kind
 * is read from the requesting object's own namespace only; a ClusterGenerator is cluster-scoped and
 * still generates for (and resolves credentials in) the requesting namespace.
 */
import { GENERATORS_GROUP } from "../api/constants.js";
import { generatorResource, type KubeClient } from "../kube/index.js";
import { type Generator, GeneratorError } from "./generator.js";
import { type GeneratorObject, resolveGenerator } from "./registry.js";

export interface GeneratorRefLike {
  apiVersion?: string;
  kind: string;
  name: string;
}

export interface LoadedGenerator {
  /** The generator object as read from the API server (snapshot for GeneratorState). */
  object: GeneratorObject & { apiVersion?: string };
  generator: Generator<any>;
  spec: unknown;
}

export async function loadGenerator(
  client: KubeClient,
  ref: GeneratorRefLike,
  namespace: string,
  field: string,
  signal?: AbortSignal,
): Promise<LoadedGenerator> {
  const group = (ref.apiVersion ?? "").split("/")[0];
  if (ref.apiVersion && group !== GENERATORS_GROUP) {
    throw new GeneratorError(`${field}.apiVersion: must be in group ${GENERATORS_GROUP}, got "${ref.apiVersion}"`);
  }
  if (!ref.name) throw new GeneratorError(`${field}.name: is required`);
  const rt = generatorResource(ref.kind);
  const obj = await client.get<GeneratorObject>(rt, rt.namespaced ? namespace : "", ref.name, signal);
  if (!obj) {
    throw new GeneratorError(
      rt.namespaced
        ? `${field}: ${ref.kind} ${JSON.stringify(ref.name)} not found in namespace ${namespace}`
        : `${field}: ${ref.kind} ${JSON.stringify(ref.name)} not found`,
    );
  }
  const object = { ...obj, kind: obj.kind || ref.kind };
  const { generator, spec } = resolveGenerator(object);
  return { object, generator, spec };
}
