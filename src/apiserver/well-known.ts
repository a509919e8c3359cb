/** Type keys and finalizer names that the engine's built-in controllers act on. */
import { type KObj, typeKey } from "./types.js";

export const nsKey = typeKey("", "namespaces");
export const crdKey = typeKey("apiextensions.k8s.io", "customresourcedefinitions");
export const saKey = typeKey("", "serviceaccounts");
export const crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";
export const foregroundFinalizer = "foregroundDeletion";

export function listFinalizers(obj: KObj): string[] {
  return Array.isArray(obj.metadata?.finalizers) ? obj.metadata.finalizers : [];
}
