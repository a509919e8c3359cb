/** API groups, versions, and the label/annotation names ESO puts on the objects it manages. */

export const GROUP = "external-secrets.io";
export const GENERATORS_GROUP = "generators.external-secrets.io";

export const V1 = "v1";
export const V1BETA1 = "v1beta1";
export const V1ALPHA1 = "v1alpha1";
/** Versions served for SecretStore, ClusterSecretStore, ExternalSecret, ClusterExternalSecret. */
export const VERSIONS = [V1, V1BETA1] as const;
export const STORAGE_VERSION = V1;

export const API_VERSION_V1 = `${GROUP}/${V1}`;
export const API_VERSION_V1BETA1 = `${GROUP}/${V1BETA1}`;
export const API_VERSION_V1ALPHA1 = `${GROUP}/${V1ALPHA1}`;
export const GENERATORS_API_VERSION = `${GENERATORS_GROUP}/${V1ALPHA1}`;

/** On Secrets created with creationPolicy Owner: the owning ExternalSecret. */
export const LABEL_OWNER = "reconcile.external-secrets.io/created-by";
/** Hash of a managed Secret's data, to detect drift and skip no-op updates. */
export const ANNOTATION_DATA_HASH = "reconcile.external-secrets.io/data-hash";
/** Changing this annotation's value on an ExternalSecret forces an immediate sync. */
export const ANNOTATION_FORCE_SYNC = "force-sync";
/** Label on every CRD of this API. */
export const LABEL_COMPONENT = "external-secrets.io/component";
/** On GeneratorState objects: the resource that created them (garbage collection). */
export const LABEL_GENERATOR_STATE_OWNER = "generators.external-secrets.io/owner-key";

export const CATEGORY = "external-secrets";
export const GENERATORS_CATEGORY = "external-secrets-generators";

/** Condition types and reasons used in status. */
export const CONDITION_READY = "Ready";
export const CONDITION_DELETED = "Deleted";
export const REASON_SECRET_SYNCED = "SecretSynced";
export const REASON_SECRET_SYNCED_ERROR = "SecretSyncedError";
export const REASON_SECRET_DELETED = "SecretDeleted";
export const REASON_SECRET_MISSING = "SecretMissing";
export const REASON_STORE_VALID = "Valid";
export const REASON_INVALID_STORE = "InvalidStoreConfiguration";
export const REASON_INVALID_PROVIDER_CONFIG = "InvalidProviderConfig";
export const REASON_VALIDATION_FAILED = "ValidationFailed";
export const REASON_VALIDATION_UNKNOWN = "ValidationUnknown";
export const REASON_PUSH_SYNCED = "Synced";
export const REASON_PUSH_ERRORED = "Errored";
