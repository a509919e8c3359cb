/**
 * GeneratorState bookkeeping, as upstream: every generated value that needs cleanup (a lease, a token)
 * is recorded as a GeneratorState in the owner's namespace, labelled with an owner key and owned by the
 * object that asked for it. When a newer value supersedes it, the old state gets a garbage-collection
 * deadline (a grace period, so consumers can switch over); the GeneratorState controller cleans up and
 * deletes it once the deadline passes. A value that could not be used is cleaned up at once.
 */
import { createHash } from "node:crypto";
import { GENERATORS_API_VERSION, LABEL_GENERATOR_STATE_OWNER } from "../../api/constants.js";
import { GENERATOR_STATES, type KubeClient, rfc3339 } from "../../kube/index.js";
import type { GeneratorContext } from "../generator.js";
import type { LoadedGenerator } from "../resolve.js";

export const GENERATOR_STATE_FINALIZER = "generatorstate.externalsecrets.io/finalizer";
/** Upstream's --generator-gc-grace-period default. */
const DEFAULT_GC_GRACE_MS = 2 * 60_000;

export interface StateOwner {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string };
}

export interface GeneratorStateObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    finalizers?: string[];
    [k: string]: unknown;
  };
  spec: { garbageCollectionDeadline?: string; resource: Record<string, unknown>; state: Record<string, unknown> };
  status?: { conditions?: unknown[] };
}

const LABEL_MAX = 63;

/** "<kind>-<name>-<key>", lower-cased; shortened with a hash suffix when too long for a label value. */
function ownerKey(kind: string, name: string, key: string): string {
  const full = `${kind}-${name}-${key}`.toLowerCase().replace(/[^a-z0-9._-]/g, "-");
  if (full.length <= LABEL_MAX) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 10);
  return `${full.slice(0, LABEL_MAX - 11).replace(/[^a-z0-9]+$/, "")}-${hash}`;
}

export class GeneratorStateManager {
  private readonly key: (k: string) => string;

  constructor(
    private readonly client: KubeClient,
    private readonly owner: StateOwner,
    private readonly graceMs = DEFAULT_GC_GRACE_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.key = (k) => ownerKey(owner.kind ?? "", owner.metadata?.name ?? "", k);
  }

  private get namespace(): string {
    return this.owner.metadata?.namespace ?? "";
  }

  async list(key: string): Promise<GeneratorStateObject[]> {
    return this.client.list<GeneratorStateObject>(
      GENERATOR_STATES,
      this.namespace,
      `${LABEL_GENERATOR_STATE_OWNER}=${this.key(key)}`,
    );
  }

  /** Records a fresh state; returns the created object's name. */
  async record(key: string, loaded: LoadedGenerator, state: Record<string, unknown>, deadline?: Date): Promise<string> {
    const kind = (this.owner.kind ?? "owner").toLowerCase();
    const created = await this.client.create(GENERATOR_STATES, {
      apiVersion: GENERATORS_API_VERSION,
      kind: "GeneratorState",
      metadata: {
        generateName: `gen-${kind}-${this.owner.metadata?.name ?? ""}-`.slice(0, 200),
        namespace: this.namespace,
        labels: { [LABEL_GENERATOR_STATE_OWNER]: this.key(key) },
        // Set at creation so a garbage-collected state is never deleted before its cleanup ran.
        finalizers: [GENERATOR_STATE_FINALIZER],
        ownerReferences: this.owner.metadata?.uid
          ? [
              {
                apiVersion: this.owner.apiVersion ?? "",
                kind: this.owner.kind ?? "",
                name: this.owner.metadata.name ?? "",
                uid: this.owner.metadata.uid,
              },
            ]
          : undefined,
      },
      spec: {
        ...(deadline ? { garbageCollectionDeadline: rfc3339(deadline) } : {}),
        resource: snapshot(loaded),
        state,
      },
    });
    return created.metadata.name;
  }

  /** Gives every state of `key` except those named in `keep` (and those already flagged) a GC deadline. */
  async flagSuperseded(key: string, keep?: string | string[]): Promise<number> {
    const kept = new Set(typeof keep === "string" ? [keep] : (keep ?? []));
    let flagged = 0;
    const deadline = rfc3339(new Date(this.now() + this.graceMs));
    for (const gs of await this.list(key)) {
      if (kept.has(gs.metadata.name) || gs.spec.garbageCollectionDeadline || gs.metadata.deletionTimestamp) continue;
      // A patch, so the listed object may be a cached summary without the recorded state.
      await this.client.patch(GENERATOR_STATES, this.namespace, gs.metadata.name, {
        spec: { garbageCollectionDeadline: deadline },
      });
      flagged++;
    }
    return flagged;
  }

  /**
   * A generated value that was never used: clean it up now; if that fails, record it with a deadline
   * of now so the GeneratorState controller keeps trying.
   */
  async discard(key: string, loaded: LoadedGenerator, state: Record<string, unknown>, ctx: GeneratorContext) {
    try {
      await loaded.generator.cleanup?.(loaded.spec, state, ctx);
    } catch {
      await this.record(key, loaded, state, new Date(this.now()));
    }
  }
}

/** The generator manifest without server-managed metadata. */
function snapshot(loaded: LoadedGenerator): Record<string, unknown> {
  const m = (loaded.object.metadata ?? {}) as Record<string, unknown>;
  return {
    apiVersion: loaded.object.apiVersion ?? GENERATORS_API_VERSION,
    kind: loaded.object.kind,
    metadata: { name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}) },
    spec: loaded.object.spec ?? {},
  };
}
