/**
 * Generator kinds by name, filled by the composition root (registerBuiltinGenerators in builtin.ts) and read
 * when a generatorRef is resolved.
 */
import { type Generator, GeneratorError } from "./generator.js";

const generators = new Map<string, Generator<any>>();

export function registerGenerator(generator: Generator<any>): void {
  generators.set(generator.kind, generator);
}

export function getGenerator(kind: string): Generator<any> | undefined {
  return generators.get(kind);
}

export function registeredGenerators(): string[] {
  return [...generators.keys()].sort();
}

export interface GeneratorObject {
  kind: string;
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, unknown>;
}

/**
 * Resolves a generator custom resource to the implementation and spec to run. A ClusterGenerator wraps
 * one of the namespaced kinds: spec.kind names it and spec.generator.<kind>Spec carries its spec.
 */
export function resolveGenerator(obj: GeneratorObject): { generator: Generator<any>; spec: unknown } {
  if (obj.kind === "ClusterGenerator") {
    const kind = obj.spec?.kind;
    if (typeof kind !== "string") throw new GeneratorError("spec.kind: is required on a ClusterGenerator");
    const generator = generators.get(kind);
    if (!generator) throw new GeneratorError(`spec.kind: generator kind "${kind}" is not supported`);
    const wrapped = (obj.spec?.generator ?? {}) as Record<string, unknown>;
    const others = Object.keys(wrapped).filter((k) => k !== generator.clusterSpecKey && wrapped[k] !== undefined);
    if (others.length > 0) {
      throw new GeneratorError(
        `spec.generator: kind ${kind} takes only ${generator.clusterSpecKey}, found ${others.sort().join(", ")}`,
      );
    }
    const spec = wrapped[generator.clusterSpecKey];
    if (spec === undefined) {
      throw new GeneratorError(`spec.generator.${generator.clusterSpecKey}: is required for kind ${kind}`);
    }
    return { generator, spec };
  }
  const generator = generators.get(obj.kind);
  if (!generator) throw new GeneratorError(`generatorRef.kind: generator kind "${obj.kind}" is not supported`);
  return { generator, spec: obj.spec ?? {} };
}
