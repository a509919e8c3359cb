/**
 * The contract every secret-manager provider implements. The ExternalSecret, SecretStore and
 * PushSecret controllers only ever talk to providers through these types.
 *
 * Values are Buffers: providers may return binary data, and the controller base64-encodes
 * them into the Secret. Errors must never carry secret values in their messages.
 */

export type StoreKind = "SecretStore" | "ClusterSecretStore";
export type Capabilities = "ReadOnly" | "WriteOnly" | "ReadWrite";

/** ExternalSecret spec.data[].remoteRef (and dataFrom[].extract), as upstream. */
export interface RemoteRef {
  key: string;
  property?: string;
  version?: string;
  metadataPolicy?: "None" | "Fetch";
  conversionStrategy?: "Default" | "Unicode";
  decodingStrategy?: "None" | "Base64" | "Base64URL" | "Auto";
  nullBytePolicy?: "Ignore" | "Fail";
}

/** ExternalSecret spec.dataFrom[].find, as upstream. */
export interface FindRef {
  path?: string;
  name?: { regexp: string };
  tags?: Record<string, string>;
  conversionStrategy?: "Default" | "Unicode";
  decodingStrategy?: "None" | "Base64" | "Base64URL" | "Auto";
}

/** PushSecret spec.data[].match.remoteRef, as upstream. */
export interface PushRemoteRef {
  remoteKey: string;
  property?: string;
}

/** One entry of a PushSecret: which Secret key goes where, plus provider-specific metadata. */
export interface PushSecretData {
  /** Key in the source Secret; absent means "push the whole Secret" (provider encodes it as JSON). */
  secretKey?: string;
  remoteRef: PushRemoteRef;
  /** Free-form provider-specific metadata (PushSecret spec.data[].metadata). */
  metadata?: unknown;
}

/** The Kubernetes Secret being pushed (already decoded from base64). */
export interface PushSource {
  name: string;
  namespace: string;
  data: Record<string, Buffer>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Minimal Kubernetes access a provider needs to resolve its credentials. */
export interface KubeAccess {
  /** Returns the decoded data of a Secret, or undefined when it does not exist. */
  getSecret(namespace: string, name: string): Promise<Record<string, Buffer> | undefined>;
  getConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** TokenRequest API: a signed ServiceAccount token with the given audiences. */
  createServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    audiences: string[],
    expirationSeconds?: number,
  ): Promise<string>;
  /** Reads a ServiceAccount's annotations (for IRSA role-arn and similar). */
  getServiceAccountAnnotations?(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

/** One kind of state a provider keeps between clients (a login, an SDK client) and how to create it. */
export interface CacheKey<T> {
  readonly name: string;
  create(): T;
  /** Releases what the value holds (connections, timers) when the caches are cleared. */
  dispose?(value: T): void;
}

/**
 * Where providers keep state between clients: one value per key, created on first use. The composition root
 * creates the instance (caches.ts), so two processes, or two tests, never share a login or an SDK client.
 */
export interface ProviderCaches {
  get<T>(key: CacheKey<T>): T;
}

export interface ProviderContext {
  kube: KubeAccess;
  /** The process's long-lived provider state (logins, SDK clients), created by the composition root. */
  caches: ProviderCaches;
  storeKind: StoreKind;
  storeName: string;
  /**
   * Namespace of the object using the store (the ExternalSecret / PushSecret). For a SecretStore this is
   * also the store's namespace. Credentials referenced without a namespace resolve here.
   */
  namespace: string;
  /** Aborts in-flight provider calls when the controller shuts down or the reconcile deadline passes. */
  signal?: AbortSignal;
  /** Epoch ms of the reconcile deadline: a provider's own timeout setting is capped by what is left of it. */
  deadline?: number;
}

/** What resolving a store's credentials needs: whose namespace, which kind of store, and the cluster to read. */
export type CredentialScope = Pick<ProviderContext, "kube" | "storeKind" | "namespace">;

export interface ValidationResult {
  ready: boolean;
  /** Human-readable reason, never containing credentials. */
  message?: string;
}

/** A client built for one store and one requesting namespace. */
export interface SecretsClient {
  getSecret(ref: RemoteRef): Promise<Buffer>;
  /** dataFrom.extract: the remote secret as a map of keys to values. */
  getSecretMap(ref: RemoteRef): Promise<Record<string, Buffer>>;
  /** dataFrom.find: every remote secret matching the criteria, keyed by remote name. */
  getAllSecrets(find: FindRef): Promise<Record<string, Buffer>>;
  pushSecret(source: PushSource, data: PushSecretData): Promise<void>;
  deleteSecret(ref: PushRemoteRef): Promise<void>;
  secretExists(ref: PushRemoteRef): Promise<boolean>;
  /** Store readiness: connectivity and authentication where the provider can check them. */
  validate(): Promise<ValidationResult>;
  close(): Promise<void>;
  /** Optional ability: many getSecret reads in one provider call (e.g. AWS BatchGetSecretValue). */
  readonly batchReads?: BatchReads;
  /**
   * Set by the shared read layer (open-client.ts): true when reads of `ref` issued together are gathered into
   * one provider call, so callers may issue them concurrently at no extra cost, even when they fail.
   */
  readsTogether?(ref: RemoteRef): boolean;
}

/** Reads served together: the read layer gathers concurrent getSecret calls of one store into one batch. */
export interface BatchReads {
  /** Which refs one batch call can serve now (the others are read one by one). */
  batchable(ref: RemoteRef): boolean;
  /** One answer per ref, in order: the value, or the error getSecret would have thrown for that ref. */
  getSecretBatch(refs: RemoteRef[]): Promise<(Buffer | Error)[]>;
}

/** The outcome of a provider's static checks of a store spec. Messages start with the field path. */
export interface SpecValidation {
  /** The store is invalid: the admission webhook denies it, the store controller reports it not ready. */
  errors: string[];
  /** Accepted, but worth telling the author (returned as admission warnings, printed by `eso validate`). */
  warnings: string[];
}

export interface Provider<Spec = unknown> {
  /** The key under spec.provider (e.g. "vault", "aws"). */
  readonly name: string;
  capabilities(spec: Spec): Capabilities;
  /** Static checks of the spec, no I/O: run by the admission webhook, `eso validate` and the store controller. */
  validate(spec: Spec, storeKind: StoreKind): SpecValidation;
  /** A client for one store and one requesting namespace; credentials resolve through ctx.kube. */
  newClient(spec: Spec, ctx: ProviderContext): Promise<SecretsClient>;
}
