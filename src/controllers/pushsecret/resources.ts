/** Finalizer and reasons of the PushSecret controllers (external-secrets.io/v1alpha1). */
import { apiVersionOf, PUSH_SECRETS } from "../../kube/index.js";

export const PUSH_SECRET_API_VERSION = apiVersionOf(PUSH_SECRETS);

/** Held while pushed keys must be removed from the providers (deletionPolicy Delete). */
export const PUSH_SECRET_FINALIZER = "pushsecret.externalsecrets.io/finalizer";
/** Owner key of the GeneratorStates a PushSecret's selector.generatorRef produces. */
export const GENERATOR_STATE_KEY = "__pushsecret";

export const REASON_SYNCED = "Synced";
export const REASON_ERRORED = "Errored";
export const MESSAGE_SYNCED = "PushSecret synced successfully";
