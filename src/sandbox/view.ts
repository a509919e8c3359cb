/**
 * The sandbox's live view: one plain line per thing that happened to an ExternalSecret or store (synced,
 * refreshed, updated, restored after drift, failed), read from ExternalSecret conditions and Events.
 * Lines never carry values: conditions and events do not hold any.
 */
import { EVENTS, EXTERNAL_SECRETS, type KubeClient, type KubeObject, type Stored } from "../kube/index.js";
import { Informer } from "../runtime/informer.js";

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ExternalSecretState {
  namespace: string;
  name: string;
  store: string;
  ready: boolean;
  reason: string;
  message: string;
  refreshTime?: string;
  secret: string;
  synced: boolean;
}

function stateOf(es: Stored): ExternalSecretState {
  const spec = (es as { spec?: Record<string, any> }).spec ?? {};
  const status = (es as { status?: Record<string, any> }).status ?? {};
  const ready = ((status.conditions ?? []) as Condition[]).find((c) => c.type === "Ready");
  const ref = spec.secretStoreRef;
  const usesGenerator = (spec.dataFrom ?? []).some((d: any) => d?.sourceRef?.generatorRef);
  const store = ref?.name ? `${ref.kind ?? "SecretStore"}/${ref.name}` : usesGenerator ? "(generator)" : "";
  return {
    namespace: es.metadata.namespace ?? "",
    name: es.metadata.name,
    store,
    ready: ready?.status === "True",
    reason: ready?.reason ?? "",
    message: ready?.message ?? "",
    refreshTime: status.refreshTime,
    secret: spec.target?.name || es.metadata.name,
    synced: !!status.syncedResourceVersion,
  };
}

const clock = () => new Date().toISOString().slice(11, 19);

export class SyncView {
  private readonly esInformer: Informer<KubeObject>;
  private readonly eventInformer: Informer<KubeObject>;
  private readonly started = Date.now();
  /** Printing is off until enable(): the initial sync is summarised separately. */
  private printing = false;
  private readonly lastWarning = new Map<string, string>();

  constructor(
    client: KubeClient,
    private readonly write: (line: string) => void,
  ) {
    this.esInformer = new Informer<KubeObject>(client, EXTERNAL_SECRETS);
    this.eventInformer = new Informer<KubeObject>(client, EVENTS);
    this.esInformer.addHandler({
      add: (es) => this.onChange(undefined, es),
      update: (a, b) => this.onChange(a, b),
      delete: (es) => this.line("deleted", `ExternalSecret ${es.metadata.namespace}/${es.metadata.name}`, ""),
    });
    this.eventInformer.addHandler({
      add: (ev) => this.onEvent(ev),
      // Repeats of the same event are folded into one object whose count goes up.
      update: (a, b) => {
        if ((a as { count?: number }).count !== (b as { count?: number }).count) this.onEvent(b);
      },
    });
  }

  async start(): Promise<void> {
    this.esInformer.start();
    this.eventInformer.start();
    await Promise.all([this.esInformer.waitForSync(), this.eventInformer.waitForSync()]);
  }

  /** From now on, print a line for each change. */
  enable(): void {
    this.printing = true;
  }

  states(): ExternalSecretState[] {
    return this.esInformer.cache
      .list()
      .map(stateOf)
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }

  state(namespace: string, name: string): ExternalSecretState | undefined {
    return this.states().find((s) => s.namespace === namespace && s.name === name);
  }

  private line(what: string, subject: string, detail: string): void {
    if (!this.printing) return;
    this.write(`${clock()}  ${what.padEnd(9)} ${subject}${detail ? `  ${detail}` : ""}`);
  }

  private onChange(before: Stored | undefined, after: Stored): void {
    const a = before ? stateOf(before) : undefined;
    const b = stateOf(after);
    const subject = `ExternalSecret ${b.namespace}/${b.name}`;
    if (!b.reason) return;
    if (!a || a.ready !== b.ready || a.reason !== b.reason || a.message !== b.message) {
      if (b.ready) this.line("synced", subject, `-> Secret ${b.secret} (${b.reason}: ${b.message})`);
      else this.line("error", subject, `${b.reason}: ${b.message}`);
    } else if (b.ready && a.refreshTime !== b.refreshTime) {
      this.line("refreshed", subject, `-> Secret ${b.secret}`);
    }
  }

  private onEvent(ev: Stored): void {
    const e = ev as Stored & {
      involvedObject?: { kind?: string; name?: string; namespace?: string };
      reason?: string;
      message?: string;
      type?: string;
      lastTimestamp?: string;
    };
    const at = Date.parse(e.lastTimestamp ?? "");
    if (!Number.isNaN(at) && at < this.started - 1000) return;
    const obj = e.involvedObject ?? {};
    const subject = `${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ""}${obj.name}`;
    const detail = `${e.reason}: ${e.message}`;
    if (e.type === "Warning" && e.reason === "DriftRestored") this.line("restored", subject, detail);
    else if (e.type === "Warning") {
      // A failing sync is already shown by its condition; retries repeat the same warning, show it once.
      if (e.reason === "UpdateFailed" && obj.kind === "ExternalSecret") return;
      if (this.lastWarning.get(subject) === detail) return;
      this.lastWarning.set(subject, detail);
      this.line("warning", subject, detail);
    } else if (e.reason === "Updated") this.line("updated", subject, detail);
    else if (e.reason === "Deleted") this.line("deleted", subject, detail);
    else if (e.reason === "Valid") this.line("store", subject, "ready (Valid: store validated)");
  }

  async stop(): Promise<void> {
    await Promise.all([this.esInformer.stop(), this.eventInformer.stop()]);
  }
}
