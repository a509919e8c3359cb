/**
 * The contract of a generators.external-secrets.io kind: produce a fresh map of values from a spec.
 * Values are Buffers, like provider values; they never appear in logs or errors.
 */
import type { KubeAccess } from "../providers/provider.js";

export interface GeneratorContext {
  kube: KubeAccess;
  /** Namespace of the ExternalSecret / PushSecret using the generator. */
  namespace: string;
  /** --controller-class of the running controller (generators with a `controller` field honour it). */
  controllerClass?: string;
  signal?: AbortSignal;
}

export interface GeneratorResult {
  data: Record<string, Buffer>;
  /**
   * What must be cleaned up later (a lease, a token), recorded in a GeneratorState object.
   * Absent when the generated values need no cleanup.
   */
  state?: Record<string, unknown>;
}

export interface Generator<Spec = unknown> {
  /** The generator kind, e.g. "Password". */
  readonly kind: string;
  /** The key of this kind's spec inside a ClusterGenerator's spec.generator, e.g. "passwordSpec". */
  readonly clusterSpecKey: string;
  generate(spec: Spec, ctx: GeneratorContext): Promise<GeneratorResult>;
  /** Releases what generate() recorded in its state. */
  cleanup?(spec: Spec, state: Record<string, unknown>, ctx: GeneratorContext): Promise<void>;
}

export class GeneratorError extends Error {
  override readonly name = "GeneratorError";
}
