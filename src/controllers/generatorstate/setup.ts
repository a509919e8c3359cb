/**
 * The GeneratorState controller: garbage-collects states at their deadline and runs generator cleanup on deletion.
 * It runs whatever else is enabled: ExternalSecrets and PushSecrets both record states.
 */
import { CachedKubeClient, GENERATOR_STATES } from "../../kube/index.js";
import type { Controller } from "../../runtime/controller.js";
import type { ControllerSet } from "../../runtime/controller-builder.js";
import { generatorStateSummaries } from "../common/scopes.js";
import type { ControllerDeps } from "../deps.js";
import { GeneratorStateReconciler } from "./reconciler.js";

export function setupGeneratorStates(set: ControllerSet, deps: ControllerDeps): Controller {
  const builder = set.controller("generatorstate").for(GENERATOR_STATES, {
    ...generatorStateSummaries(deps.namespace),
    predicate: (a, b) => a.metadata.resourceVersion !== b.metadata.resourceVersion,
    onDelete: () => {},
  });
  // Summaries answer the controller's reads; whole states (for cleanup) are read from the server.
  const client = new CachedKubeClient(deps.server.transport).cache(GENERATOR_STATES, builder.forInformer);
  return builder.complete(
    new GeneratorStateReconciler({ client, server: deps.server, kube: deps.kube, log: deps.log }),
  );
}
