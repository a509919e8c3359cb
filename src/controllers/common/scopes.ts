/** Informer scopes more than one controller asks for: declared once, so they share one informer. */
import { MANAGED_SELECTOR, type Stored } from "../../kube/index.js";
import type { InformerScope } from "../../runtime/controller-builder.js";
import { metadataOnly } from "./predicates.js";

/** Namespaces, metadata only (labels select them for ClusterExternalSecrets, ClusterPushSecrets, store conditions). */
export const NAMESPACE_METADATA: InformerScope = { shape: { name: "metadata", transform: metadataOnly } };

/** Secrets this operator manages, kept whole: syncs read the target and its data hash from here. */
export function managedSecrets(namespace: string | undefined): InformerScope {
  return { namespace, labelSelector: MANAGED_SELECTOR };
}

type GeneratorStateSummary = Stored & { spec?: { garbageCollectionDeadline?: string } };

/** What the GeneratorState cache keeps: metadata, status and the deadline, not the recorded state or manifest. */
function generatorStateSummary(o: Stored): Stored {
  const deadline = (o as GeneratorStateSummary).spec?.garbageCollectionDeadline;
  return { ...o, spec: deadline ? { garbageCollectionDeadline: deadline } : {} } as Stored;
}

export function generatorStateSummaries(namespace: string | undefined): InformerScope {
  return { namespace, shape: { name: "summary", transform: generatorStateSummary } };
}
