/**
 * What a sync does with its target once the data is in, for a Secret and for a generic target alike: the
 * creation/deletion-policy branch (plan's targetAction), then render → desired → apply, with the events and the
 * outcome each branch calls for.
 */
import type { ExternalSecret } from "../../api/externalsecret.js";
import { isAlreadyExists, type KubeClient, type ResourceDescriptor } from "../../kube/index.js";
import type { Result } from "../../runtime/controller.js";
import { type Condition, getCondition } from "../common/conditions.js";
import type { EventRecorder } from "../common/events.js";
import type { EsoMetrics } from "../common/metrics.js";
import type { RenderTemplate, TemplateOutput, TemplateSources } from "../common/secret-template.js";
import {
  ANNOTATION_DATA_HASH,
  CONDITION_READY,
  EVENT_CREATED,
  EVENT_DELETED,
  EVENT_DRIFT_RESTORED,
  EVENT_UPDATED,
  REASON_DELETED,
  REASON_MISSING,
  REASON_SYNCED,
} from "./constants.js";
import { applySecret, dataChanged, type LiveSecret } from "./pipeline/apply.js";
import { desiredSecret, SecretNotOwnedError, SecretOwnedError } from "./pipeline/desired.js";
import { asError, SyncFailure } from "./pipeline/failure.js";
import { nextVisit, targetAction } from "./pipeline/plan.js";
import { renderTarget } from "./pipeline/render.js";
import type { SecretObject } from "./pipeline/secret-object.js";
import type { SyncOutcome } from "./pipeline/status.js";

/** How often a creationPolicy=Merge ExternalSecret looks again for its missing target. */
const MERGE_TARGET_POLL_MS = 10_000;

/** How one sync ended: the outcome for the status, and when to come back. */
export interface Ended {
  outcome: SyncOutcome;
  next: Result | undefined;
  failure?: SyncFailure;
}

/** The target, and how messages and events name it (upstream's words for Secrets; "<Kind> <name>" otherwise). */
export interface TargetKind {
  resource: ResourceDescriptor;
  name: string;
  /** "secret <name>" or "<Kind> <name>". */
  subject: string;
  /** "secret" or "<Kind>": the start of the status messages. */
  noun: string;
  events: { created: string; updated: string; deleted: string };
  deleteFailure: string;
  /** Record the target's name in status.binding (Secrets). */
  binding: boolean;
  /** Updates that change the data are reported to `onDataChanged` (Secrets). */
  reportsDataChanges?: boolean;
  /** A target whose absence is only the cache's word may exist: a delete is attempted all the same. */
  deleteUnverified: boolean;
  build: typeof desiredSecret;
  needsWrite?: Parameters<typeof applySecret>[3];
  /** Runs before a write (Secrets with creationPolicy Owner: remove those written under a previous name). */
  beforeWrite?: () => Promise<void>;
}

export function secretTarget(name: string, resource: ResourceDescriptor): TargetKind {
  return {
    resource,
    name,
    subject: `secret ${name}`,
    noun: "secret",
    events: {
      created: "secret created",
      updated: "secret updated",
      deleted: "secret deleted due to DeletionPolicy=Delete",
    },
    deleteFailure: "could not delete secret",
    binding: true,
    reportsDataChanges: true,
    deleteUnverified: true,
    build: desiredSecret,
  };
}

export function genericTarget(
  name: string,
  resource: ResourceDescriptor,
  build: typeof desiredSecret,
  needsWrite: TargetKind["needsWrite"],
): TargetKind {
  const kind = resource.kind ?? "";
  return {
    resource,
    name,
    subject: `${kind} ${name}`,
    noun: kind,
    events: {
      created: `Created ${kind} ${name}`,
      updated: `Updated ${kind} ${name}`,
      deleted: `Deleted ${kind} ${name}`,
    },
    deleteFailure: "could not delete target",
    binding: false,
    deleteUnverified: false,
    build,
    needsWrite,
  };
}

/** A managed Secret whose data a sync has just changed (written, not only planned). */
export interface SecretDataChange {
  es: ExternalSecret;
  namespace: string;
  name: string;
  /** The new data hash (the Secret's data-hash annotation). */
  hash: string;
  /** The written Secret's annotations. */
  annotations: Record<string, string>;
}

export interface TargetWriteContext {
  es: ExternalSecret;
  live: LiveSecret;
  data: Record<string, Buffer>;
  intervalMs: number;
  drift: boolean;
  nowMs: number;
  jitter?: number;
  client: KubeClient;
  events: EventRecorder;
  metrics: EsoMetrics;
  render: RenderTemplate;
  templateSources: TemplateSources;
  signal?: AbortSignal;
  /** Told after an update that changed a Secret's data (e.g. workload rollouts). */
  onDataChanged?: (change: SecretDataChange) => void;
}

export async function writeTarget(ctx: TargetWriteContext, target: TargetKind): Promise<Ended> {
  const { es, live, client, events } = ctx;
  const namespace = es.metadata?.namespace ?? "";
  const policy = es.spec.target?.creationPolicy ?? "Owner";
  const next = nextVisit(es, ctx.intervalMs, ctx.nowMs, ctx.jitter, ctx.nowMs);
  const synced = (reason: string, message: string, binding?: string): Ended => ({
    outcome: { kind: "synced", reason, message, binding },
    next,
  });
  switch (targetAction(es, Object.keys(ctx.data).length > 0, live.existing !== undefined)) {
    case "delete": {
      if (policy !== "Owner") {
        const why = new Error(`unable to delete ${target.subject}: creationPolicy=${policy} is not Owner`);
        throw new SyncFailure(target.deleteFailure, why, false);
      }
      const present = live.existing || (target.deleteUnverified && live.unverified);
      if (present && (await client.delete(target.resource, namespace, target.name))) {
        events.event(es, "Normal", EVENT_DELETED, target.events.deleted);
      }
      return synced(REASON_DELETED, `${target.noun} deleted due to DeletionPolicy=Delete`);
    }
    case "retain":
      return synced(REASON_SYNCED, `${target.noun} retained due to DeletionPolicy=Retain`);
    case "none":
      return synced(REASON_SYNCED, `${target.noun} synced`);
    case "await-target": {
      // Not synced: nothing was written. Ready=False (as upstream) until the target appears; polled, since an object
      // created by someone else carries no managed label and so never reaches the managed-object watch.
      const message = `${target.subject} will not be created due to CreationPolicy=Merge; waiting for it to exist`;
      const previous = getCondition(es.status?.conditions as Condition[] | undefined, CONDITION_READY);
      if (previous?.reason !== REASON_MISSING) events.event(es, "Warning", REASON_MISSING, message);
      const requeueAfter = Math.min(next?.requeueAfter ?? MERGE_TARGET_POLL_MS, MERGE_TARGET_POLL_MS);
      return { outcome: { kind: "waiting", message }, next: { requeueAfter } };
    }
    case "write":
      break;
  }
  await target.beforeWrite?.();
  const out = await renderTarget(es, ctx.data, ctx.templateSources, ctx.render);
  let written: { before: SecretObject | undefined; after: SecretObject } | undefined;
  const applied = await applySecret(
    {
      create: (o) => client.create(target.resource, o),
      update: (o) => client.update(target.resource, o),
      read: () => client.get<SecretObject>(target.resource, namespace, target.name, ctx.signal),
      isAlreadyExists,
    },
    live,
    (existing) => {
      const after = desired(es, existing, out, target.build);
      written = { before: existing, after };
      return after;
    },
    target.needsWrite,
  );
  if (
    applied === "updated" &&
    written?.before &&
    target.reportsDataChanges &&
    dataChanged(written.before, written.after)
  ) {
    reportDataChange(ctx, target.name, written.after);
  }
  if (applied === "created") events.event(es, "Normal", EVENT_CREATED, target.events.created);
  if (applied === "updated") events.event(es, "Normal", EVENT_UPDATED, target.events.updated);
  if (ctx.drift) {
    ctx.metrics.driftDetected.inc({ name: es.metadata?.name ?? "", namespace });
    const message = `${target.subject} was changed or deleted out of band and has been restored`;
    events.event(es, "Warning", EVENT_DRIFT_RESTORED, message);
  }
  return synced(REASON_SYNCED, `${target.noun} synced`, target.binding ? target.name : undefined);
}

function reportDataChange(ctx: TargetWriteContext, name: string, secret: SecretObject): void {
  const annotations = secret.metadata.annotations ?? {};
  const namespace = ctx.es.metadata?.namespace ?? "";
  try {
    ctx.onDataChanged?.({ es: ctx.es, namespace, name, hash: annotations[ANNOTATION_DATA_HASH] ?? "", annotations });
  } catch {
    // A listener's failure is its own: the Secret is written and the sync succeeded.
  }
}

/** The desired step, with its ownership refusals classified as sync failures the user must resolve. */
function desired(
  es: ExternalSecret,
  existing: SecretObject | undefined,
  out: TemplateOutput,
  build: typeof desiredSecret,
): SecretObject {
  try {
    return build(es, existing, out);
  } catch (err) {
    if (err instanceof SecretOwnedError) throw new SyncFailure("target is owned by another ExternalSecret", err, false);
    if (err instanceof SecretNotOwnedError) {
      throw new SyncFailure("failed to take ownership of target secret", err, false);
    }
    throw new SyncFailure("could not apply template", asError(err), false);
  }
}
