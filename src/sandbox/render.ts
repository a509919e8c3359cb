/**
 * A dry run of one ExternalSecret: the reconciler's own fetch, template and Secret-building steps, with
 * stores, generators and credentials taken from manifests instead of a cluster (or the provider replaced
 * by literal values). Nothing is written anywhere.
 */
import { CONVERTIBLE_KINDS, toV1Object } from "../api/conversion.js";
import type { ExternalSecret, GeneratorRef } from "../api/externalsecret.js";
import type { SecretStoreRef } from "../api/meta.js";
import type { SecretStore } from "../api/secretstore.js";
import { validationMessages } from "../api/validation.js";
import type { RenderTemplate, TemplateOutput } from "../controllers/common/secret-template.js";
import { clusterStoreAllowsNamespace } from "../controllers/common/store-access.js";
import { storeKindOf } from "../controllers/common/stores.js";
import { collectSecretData } from "../controllers/externalsecret/pipeline/collect.js";
import { desiredSecret, targetSecretName } from "../controllers/externalsecret/pipeline/desired.js";
import { SyncFailure } from "../controllers/externalsecret/pipeline/failure.js";
import { desiredTarget, manifestOf } from "../controllers/externalsecret/pipeline/generic-target.js";
import { targetAction } from "../controllers/externalsecret/pipeline/plan.js";
import { renderTarget } from "../controllers/externalsecret/pipeline/render.js";
import type { SecretObject } from "../controllers/externalsecret/pipeline/secret-object.js";
import { resolveGenerator } from "../generators/registry.js";
import { registerBuiltinProviders } from "../providers/builtin.js";
import { ClientCaches } from "../providers/caches.js";
import { fakeProvider } from "../providers/fake/index.js";
import { openClient, type ProviderServices } from "../providers/open-client.js";
import type { KubeAccess, RemoteRef, SecretsClient } from "../providers/provider.js";
import { TemplatePool } from "../template/pool/index.js";
import { describe, type Manifest } from "./manifests.js";
import { ManifestKubeAccess, secretManifestData } from "./memory-kube-access.js";

/** The ExternalSecret cannot be rendered; the message names the field, key or object at fault. */
export class RenderError extends Error {
  override readonly name = "RenderError";
}

export interface RenderInput {
  /** The ExternalSecret manifest (v1 or v1beta1). */
  externalSecret: Manifest;
  /** Everything else supplied: stores, generators, Secrets, ConfigMaps, ServiceAccounts, Namespaces. */
  objects: Manifest[];
  /** Remote key -> value, used in place of every store's provider (--data). */
  data?: Record<string, string>;
  /** Renders templates (default: a worker thread with the controller's deadline and memory budget). */
  render?: RenderTemplate;
  /** Deadline of one template render (ms, default 2 s, as the controller's --template-timeout). */
  templateTimeoutMs?: number;
  /** The provider registry and caches (default: the built-in providers, fresh caches). */
  providers?: ProviderServices;
}

export interface RenderResult {
  /** The Secret the controller would write. */
  secret: SecretObject;
  /** Plain-language remarks (no values): validation warnings, skipped missing keys, policy effects. */
  notes: string[];
}

function checkValid(obj: Manifest, notes: string[]): void {
  const { errors, warnings } = validationMessages(obj);
  notes.push(...warnings);
  if (errors.length > 0) throw new RenderError(errors.join("\n"));
}

function toV1<T>(obj: Manifest): T {
  return (CONVERTIBLE_KINDS.includes(obj.kind) ? toV1Object(obj) : structuredClone(obj)) as T;
}

/** Provider clients and generators resolved from the supplied manifests. */
class OfflineSources {
  private readonly clients = new Map<string, Promise<SecretsClient>>();

  constructor(
    private readonly es: ExternalSecret,
    private readonly objects: Manifest[],
    private readonly kube: KubeAccess,
    private readonly literal: Record<string, string> | undefined,
    private readonly notes: string[],
    private readonly providers: ProviderServices,
  ) {}

  private get namespace(): string {
    return this.es.metadata?.namespace ?? "default";
  }

  client(ref: SecretStoreRef | undefined): Promise<SecretsClient> {
    const r = ref ?? this.es.spec.secretStoreRef;
    const key = this.literal ? "literal" : `${storeKindOf(r)}/${r?.name ?? ""}`;
    let c = this.clients.get(key);
    if (!c) {
      c = this.literal ? this.literalClient() : this.storeClient(r);
      this.clients.set(key, c);
    }
    return c;
  }

  /**
   * --data: the fake provider serves the given values, so property, extract and find behave as usual.
   * A literal value has no versions: remoteRef.version is ignored.
   */
  private async literalClient(): Promise<SecretsClient> {
    const data = Object.entries(this.literal ?? {}).map(([key, value]) => ({ key, value }));
    const fake = await openClient(
      fakeProvider,
      { data },
      {
        store: { kind: "ClusterSecretStore", namespace: "", name: `eso-render-${process.pid}` },
        namespace: "",
        kube: this.kube,
        caches: this.providers.caches,
      },
    );
    const unversioned = (ref: RemoteRef): RemoteRef => ({ ...ref, version: undefined });
    return Object.assign(Object.create(fake) as SecretsClient, {
      getSecret: (ref: RemoteRef) => fake.getSecret(unversioned(ref)),
      getSecretMap: (ref: RemoteRef) => fake.getSecretMap(unversioned(ref)),
    });
  }

  private async storeClient(ref: SecretStoreRef | undefined): Promise<SecretsClient> {
    const kind = storeKindOf(ref);
    const name = ref?.name ?? "";
    if (!name) throw new RenderError("secretStoreRef.name: is required (or use --data in place of a store)");
    const found = this.objects.find(
      (o) =>
        o.kind === kind &&
        o.metadata.name === name &&
        (kind === "ClusterSecretStore" || (o.metadata.namespace ?? this.namespace) === this.namespace),
    );
    if (!found) {
      const where = kind === "SecretStore" ? ` in namespace ${this.namespace}` : "";
      throw new RenderError(
        `${kind} ${JSON.stringify(name)} not found${where}: pass its manifest with -f, or use --data in place of the provider`,
      );
    }
    checkValid(found, this.notes);
    const store = toV1<SecretStore>(found);
    if (kind === "ClusterSecretStore" && (store.spec.conditions?.length ?? 0) > 0) {
      const ns = this.objects.find((o) => o.kind === "Namespace" && o.metadata.name === this.namespace);
      const labels = (ns?.metadata.labels ?? {}) as Record<string, string>;
      if (!clusterStoreAllowsNamespace(store, this.namespace, labels)) {
        throw new RenderError(
          `using cluster store ${JSON.stringify(name)} is not allowed from namespace ${JSON.stringify(this.namespace)}: denied by spec.conditions`,
        );
      }
    }
    const resolved = this.providers.registry.resolve(store.spec.provider);
    if ("error" in resolved) throw new RenderError(`${describe(found)}: ${resolved.error}`);
    const { errors, warnings } = resolved.provider.validate(resolved.spec, kind);
    this.notes.push(...warnings.map((w) => `${describe(found)}: ${w}`));
    if (errors.length > 0) throw new RenderError(`${describe(found)}: ${errors.join("; ")}`);
    const m = store.metadata ?? {};
    return openClient(resolved.provider, resolved.spec, {
      store: { kind, namespace: m.namespace ?? "", name, uid: m.uid, resourceVersion: m.resourceVersion },
      namespace: this.namespace,
      kube: this.kube,
      caches: this.providers.caches,
    });
  }

  async generate(ref: GeneratorRef): Promise<Record<string, Buffer>> {
    const found = this.objects.find(
      (o) =>
        o.kind === ref.kind &&
        o.metadata.name === ref.name &&
        (ref.kind === "ClusterGenerator" || (o.metadata.namespace ?? this.namespace) === this.namespace),
    );
    if (!found) {
      throw new RenderError(`generator ${ref.kind} ${JSON.stringify(ref.name)} not found: pass its manifest with -f`);
    }
    checkValid(found, this.notes);
    const { generator, spec } = resolveGenerator(found);
    const out = await generator.generate(spec, { kube: this.kube, namespace: this.namespace });
    if (out.state) this.notes.push(`generator ${ref.kind} ${ref.name} would record its state for later cleanup`);
    return out.data;
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => {})));
  }
}

/** The live target Secret, when the user supplied it (needed to show creationPolicy Merge). */
function existingTarget(objects: Manifest[], namespace: string, name: string): SecretObject | undefined {
  const found = objects.find(
    (o) =>
      o.apiVersion === "v1" &&
      o.kind === "Secret" &&
      o.metadata.name === name &&
      (o.metadata.namespace ?? namespace) === namespace,
  );
  if (!found) return undefined;
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(secretManifestData(found))) data[k] = v.toString("base64");
  const { stringData: _drop, ...rest } = found;
  return { ...rest, metadata: { ...found.metadata, namespace }, data } as SecretObject;
}

/** The live generic target (spec.target.manifest), when the user supplied it. */
function existingGeneric(
  objects: Manifest[],
  namespace: string,
  name: string,
  manifest: { apiVersion: string; kind: string },
): SecretObject | undefined {
  const found = objects.find(
    (o) =>
      o.apiVersion === manifest.apiVersion &&
      o.kind === manifest.kind &&
      o.metadata.name === name &&
      (o.metadata.namespace ?? namespace) === namespace,
  );
  return found
    ? ({ ...structuredClone(found), metadata: { ...found.metadata, namespace } } as SecretObject)
    : undefined;
}

function tidy(secret: SecretObject): SecretObject {
  const meta = secret.metadata;
  for (const k of ["uid", "resourceVersion", "creationTimestamp", "managedFields", "generation"]) delete meta[k];
  for (const ref of meta.ownerReferences ?? []) if (!ref.uid) delete (ref as { uid?: string }).uid;
  return secret;
}

export async function renderExternalSecret(input: RenderInput): Promise<RenderResult> {
  if (input.render) return renderWith(input, input.render);
  // Templates obey the controller's limits here too: a runaway one is stopped, not left to take the process down.
  const pool = new TemplatePool({ size: 1, timeoutMs: input.templateTimeoutMs });
  try {
    return await renderWith(input, pool.render);
  } finally {
    await pool.close();
  }
}

async function renderWith(input: RenderInput, render: RenderTemplate): Promise<RenderResult> {
  const notes: string[] = [];
  checkValid(input.externalSecret, notes);
  const es = toV1<ExternalSecret>(input.externalSecret);
  es.metadata = { ...(es.metadata ?? {}), namespace: es.metadata?.namespace ?? "default" };
  const namespace = es.metadata.namespace!;
  const kube = new ManifestKubeAccess(input.objects, namespace);
  const providers = input.providers ?? { registry: registerBuiltinProviders(), caches: new ClientCaches() };
  const sources = new OfflineSources(es, input.objects, kube, input.data, notes, providers);

  let fetched: Awaited<ReturnType<typeof collectSecretData>>;
  try {
    fetched = await collectSecretData(
      es,
      { client: (ref) => sources.client(ref), generate: (ref) => sources.generate(ref) },
      render,
    );
  } catch (err) {
    throw new RenderError(`could not get secret data: ${(err as Error).message}`);
  } finally {
    await sources.close();
  }
  notes.push(...fetched.missing);

  const secretName = targetSecretName(es);
  const manifest = manifestOf(es);
  const existing = manifest
    ? existingGeneric(input.objects, namespace, secretName, manifest)
    : existingTarget(input.objects, namespace, secretName);
  const what = manifest?.kind ?? "Secret";
  const where = `${namespace}/${secretName}`;
  if (manifest) notes.push(`generic target ${what}: the controller writes it only with --unsafe-allow-generic-targets`);
  // The controller's own policy branch; a dry run still renders what a write would contain.
  switch (targetAction(es, Object.keys(fetched.data).length > 0, existing !== undefined)) {
    case "delete":
      notes.push(`no data: the controller would delete ${what} ${where} (deletionPolicy=Delete)`);
      break;
    case "retain":
      notes.push(`no data: the controller would leave ${what} ${where} as it is (deletionPolicy=Retain)`);
      break;
    case "none":
      notes.push(`creationPolicy=None: the controller would not write this ${what}`);
      break;
    case "await-target":
      notes.push(
        `creationPolicy=Merge: the controller only adds keys to an existing ${what} ${where}; pass it with ${manifest ? "-f" : "--secret-file"} to see the merged result`,
      );
      break;
    case "write":
      break;
  }
  const templateSources = {
    configMap: (name: string) => kube.getConfigMap(namespace, name),
    secret: (name: string) => kube.getSecret(namespace, name),
  };
  let out: TemplateOutput;
  try {
    out = await renderTarget(es, fetched.data, templateSources, render);
  } catch (err) {
    const cause = err instanceof SyncFailure ? err.underlying : (err as Error);
    throw new RenderError(`spec.target.template: ${cause.message}`);
  }
  try {
    const written = manifest ? desiredTarget(es, existing, out) : desiredSecret(es, existing, out);
    return { secret: tidy(written), notes };
  } catch (err) {
    throw new RenderError(`spec.target: ${(err as Error).message}`);
  }
}

/** A copy of the Secret with every value replaced by its size. */
export function maskSecret(secret: SecretObject): SecretObject {
  if (secret.kind !== "Secret") return maskPlain(secret);
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {}))
    data[k] = `<masked: ${Buffer.from(v, "base64").length} bytes>`;
  return { ...secret, data };
}

/** A generic target (plain-text values in data or spec.data) with every value replaced by its size. */
function maskPlain(obj: SecretObject): SecretObject {
  const mask = (m: unknown) =>
    Object.fromEntries(
      Object.entries((m ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        `<masked: ${Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v))} bytes>`,
      ]),
    );
  const out: SecretObject = { ...obj };
  if (obj.data) out.data = mask(obj.data);
  const spec = obj.spec as Record<string, unknown> | undefined;
  if (spec && typeof spec === "object") out.spec = { ...spec, ...(spec.data ? { data: mask(spec.data) } : {}) };
  return out;
}
