/** Labels, annotations, reasons and messages shared with upstream ESO. */

export const LABEL_OWNER = "reconcile.external-secrets.io/created-by";
export const ANNOTATION_DATA_HASH = "reconcile.external-secrets.io/data-hash";
/** Keys this operator wrote into a Secret it does not own (creationPolicy Merge), so vanished ones can be removed. */
export const ANNOTATION_MANAGED_KEYS = "reconcile.external-secrets.io/managed-keys";

export const CONDITION_READY = "Ready";
export const REASON_SYNCED = "SecretSynced";
export const REASON_SYNCED_ERROR = "SecretSyncedError";
export const REASON_DELETED = "SecretDeleted";
export const REASON_MISSING = "SecretMissing";

export const EVENT_UPDATE_FAILED = "UpdateFailed";
export const EVENT_CREATED = "Created";
export const EVENT_UPDATED = "Updated";
export const EVENT_DELETED = "Deleted";
export const EVENT_MISSING_PROVIDER_SECRET = "MissingProviderSecret";
export const EVENT_DRIFT_RESTORED = "DriftRestored";

export const ES_GROUP = "external-secrets.io";
export const ES_API_VERSION = "external-secrets.io/v1";
