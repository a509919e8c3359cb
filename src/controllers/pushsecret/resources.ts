/** API paths, finalizer and reasons of the PushSecret controllers (external-secrets.io/v1alpha1). */
import { GROUP } from "../../api/constants.js";
import type { ResourceType } from "../common/kube-client.js";

export const PUSH_SECRETS: ResourceType = {
  group: GROUP,
  version: "v1alpha1",
  plural: "pushsecrets",
  namespaced: true,
};
export const CLUSTER_PUSH_SECRETS: ResourceType = {
  group: GROUP,
  version: "v1alpha1",
  plural: "clusterpushsecrets",
  namespaced: false,
};
export const PUSH_SECRET_API_VERSION = `${GROUP}/v1alpha1`;

/** Held while pushed keys must be removed from the providers (deletionPolicy Delete). */
export const PUSH_SECRET_FINALIZER = "pushsecret.externalsecrets.io/finalizer";
/** Owner key of the GeneratorStates a PushSecret's selector.generatorRef produces. */
export const GENERATOR_STATE_KEY = "__pushsecret";

export const REASON_SYNCED = "Synced";
export const REASON_ERRORED = "Errored";
export const MESSAGE_SYNCED = "PushSecret synced successfully";
