/**
 * Runs the CertController: once at start, again whenever a CRD, a webhook configuration or the certificate
 * Secret changes (a re-applied CRD loses its caBundle), on a fixed interval, and shortly before the serving
 * certificate enters its rotation window. Reconciles never overlap; a failed one is retried with backoff.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import {
  CUSTOM_RESOURCE_DEFINITIONS,
  KubeClient,
  type KubeObject,
  SECRETS,
  VALIDATING_WEBHOOK_CONFIGURATIONS,
} from "../kube/index.js";
import { Informer } from "../runtime/informer.js";
import type { Logger } from "../runtime/logger.js";
import { CertController, type CertControllerOptions, WEBHOOK_COMPONENT_SELECTOR } from "./cert-controller.js";

/** setTimeout's ceiling (~24.8 days); longer waits are re-armed by the periodic pass anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CertRunnerOptions extends CertControllerOptions {
  kubeConfig: KubeConfig;
  /** Periodic re-check (upstream --crd-requeue-interval). */
  intervalMs: number;
  log: Logger;
}

export class CertRunner {
  private readonly controller: CertController;
  private readonly client: KubeClient;
  private readonly informers: Informer<KubeObject>[];
  private running = false;
  private again = false;
  private stopped = false;
  private failures = 0;
  private timer?: NodeJS.Timeout;
  private idle?: Promise<void>;
  /** True once a reconcile has succeeded (readiness). */
  ready = false;

  constructor(private readonly opts: CertRunnerOptions) {
    this.controller = new CertController(opts.kubeConfig, opts);
    this.client = new KubeClient({ kubeConfig: opts.kubeConfig, logger: opts.log });
    const trigger = { add: () => this.trigger(), update: () => this.trigger(), delete: () => this.trigger() };
    const secret = new Informer<KubeObject>(this.client, SECRETS, {
      namespace: opts.secretNamespace,
      // One named Secret: RBAC can then grant list/watch by resourceName only.
      fieldSelector: `metadata.name=${opts.secretName}`,
      logger: opts.log,
      // Only the name matters for triggering; never keep key material in the cache.
      transform: (s) => ({ apiVersion: s.apiVersion, kind: s.kind, metadata: s.metadata }),
    });
    const crds = new Informer<KubeObject>(this.client, CUSTOM_RESOURCE_DEFINITIONS, {
      logger: opts.log,
      transform: (c) => ({
        apiVersion: c.apiVersion,
        kind: c.kind,
        metadata: c.metadata,
        spec: { conversion: (c as { spec?: { conversion?: unknown } }).spec?.conversion },
      }),
    });
    const configs = new Informer<KubeObject>(this.client, VALIDATING_WEBHOOK_CONFIGURATIONS, {
      logger: opts.log,
      labelSelector: opts.webhookConfigName ? undefined : WEBHOOK_COMPONENT_SELECTOR,
    });
    this.informers = opts.injectConversion ? [secret, crds, configs] : [secret, configs];
    for (const inf of this.informers) inf.addHandler(trigger, false);
  }

  start(): void {
    for (const inf of this.informers) inf.start();
    this.trigger();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.idle;
    this.client.close();
  }

  /** Schedules a reconcile now; coalesces with one in flight. */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    clearTimeout(this.timer);
    this.idle = this.loop();
  }

  private async loop(): Promise<void> {
    let nextMs = this.opts.intervalMs;
    do {
      this.again = false;
      try {
        const out = await this.controller.reconcile();
        this.failures = 0;
        this.ready = true;
        if (out.rotated) this.opts.log.info({ reason: out.reason }, "issued a new CA and serving certificate");
        for (const name of out.webhookConfigsUpdated) {
          this.opts.log.info({ validatingWebhookConfiguration: name }, "injected caBundle");
        }
        for (const name of out.crdsUpdated) this.opts.log.info({ crd: name }, "injected conversion caBundle");
        // Wake up when the certificate enters the rotation window, if that comes before the next pass.
        const untilRotation = out.notAfter - this.opts.lookaheadMs - Date.now() + 1_000;
        nextMs = Math.max(1_000, Math.min(this.opts.intervalMs, untilRotation));
      } catch (err) {
        this.failures++;
        nextMs = Math.min(this.opts.intervalMs, 500 * 2 ** Math.min(this.failures, 7));
        this.opts.log.error({ err: { message: (err as Error).message } }, "certificate reconcile failed");
      }
    } while (this.again && !this.stopped);
    this.running = false;
    if (!this.stopped) this.timer = setTimeout(() => this.trigger(), Math.min(nextMs, MAX_TIMER_MS));
  }
}
