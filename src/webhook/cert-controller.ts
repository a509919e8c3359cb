/**
 * Keeps the webhook's serving certificate valid and its CA trusted: issues a CA + serving certificate
 * into a Secret, re-issues before expiry, and injects the CA bundle into the ValidatingWebhookConfiguration
 * and into the conversion config of our CRDs. Writes only when something differs.
 */

import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
  type V1ValidatingWebhookConfiguration,
} from "@kubernetes/client-node";
import { type CertBundle, issueCertBundle, needsRotation, serviceDnsNames } from "../util/serving-certs.js";

export interface CertControllerOptions {
  secretName: string;
  secretNamespace: string;
  serviceName: string;
  serviceNamespace: string;
  /**
   * Inject into this ValidatingWebhookConfiguration; when empty, into every one labelled
   * external-secrets.io/component=webhook. Either way only webhooks that call our Service (or a `urlHosts` URL)
   * get the CA.
   */
  webhookConfigName?: string;
  /**
   * Hosts (DNS names or IP addresses) in `clientConfig.url` through which the API server reaches the webhook
   * without the Service (e.g. an external address): such clientConfigs get the CA too, and the serving certificate
   * covers these hosts.
   */
  urlHosts?: string[];
  /** Inject the CA into CRDs whose conversion webhook points at our service. */
  injectConversion: boolean;
  /** Re-issue this long before expiry. */
  lookaheadMs: number;
  validityDays: number;
}

export interface CertReconcileOutcome {
  rotated: boolean;
  reason?: string;
  /** Names of the ValidatingWebhookConfigurations whose caBundle was written. */
  webhookConfigsUpdated: string[];
  crdsUpdated: string[];
  /** When the serving certificate stops being valid (ms since epoch). */
  notAfter: number;
}

export const WEBHOOK_COMPONENT_SELECTOR = "external-secrets.io/component=webhook";

function isNotFound(err: unknown): boolean {
  const e = err as { code?: number; statusCode?: number; body?: { code?: number } };
  return e?.code === 404 || e?.statusCode === 404 || e?.body?.code === 404;
}

const decode = (v: string | undefined) => (v ? Buffer.from(v, "base64").toString("utf8") : undefined);
const encode = (v: string) => Buffer.from(v).toString("base64");

export class CertController {
  private readonly core: CoreV1Api;
  private readonly admission: AdmissionregistrationV1Api;
  private readonly crds: ApiextensionsV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly opts: CertControllerOptions,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    this.crds = kubeConfig.makeApiClient(ApiextensionsV1Api);
  }

  async reconcile(): Promise<CertReconcileOutcome> {
    const bundle = await this.ensureCertificate();
    const caBundle = encode(bundle.bundle.caCert);
    const webhookConfigsUpdated = await this.injectWebhookConfigs(caBundle);
    const crdsUpdated = this.opts.injectConversion ? await this.injectCrds(caBundle) : [];
    const notAfter = Date.parse(new X509Certificate(bundle.bundle.cert).validTo);
    return { rotated: bundle.rotated, reason: bundle.reason, webhookConfigsUpdated, crdsUpdated, notAfter };
  }

  private async ensureCertificate(): Promise<{ bundle: CertBundle; rotated: boolean; reason?: string }> {
    const { secretName: name, secretNamespace: namespace } = this.opts;
    let secret: Awaited<ReturnType<CoreV1Api["readNamespacedSecret"]>> | undefined;
    try {
      secret = await this.core.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const data = secret?.data ?? {};
    const current: Partial<CertBundle> = {
      caCert: decode(data["ca.crt"]),
      caKey: decode(data["ca.key"]),
      cert: decode(data["tls.crt"]),
      key: decode(data["tls.key"]),
    };
    const urlHosts = this.opts.urlHosts ?? [];
    const names = [
      ...serviceDnsNames(this.opts.serviceName, this.opts.serviceNamespace),
      ...urlHosts.filter((h) => !isIP(h)),
    ];
    const ips = urlHosts.filter((h) => isIP(h));
    const reason = needsRotation(current, [...names, ...ips], this.opts.lookaheadMs);
    if (!reason) return { bundle: current as CertBundle, rotated: false };

    const bundle = issueCertBundle(names, this.opts.validityDays, ips);
    const newData = {
      "ca.crt": encode(bundle.caCert),
      "ca.key": encode(bundle.caKey),
      "tls.crt": encode(bundle.cert),
      "tls.key": encode(bundle.key),
    };
    if (secret) {
      // Carrying the read resourceVersion makes a concurrent rotation by another replica fail with 409.
      await this.core.replaceNamespacedSecret({ name, namespace, body: { ...secret, data: newData } });
    } else {
      await this.core.createNamespacedSecret({
        namespace,
        body: {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name, namespace },
          type: "kubernetes.io/tls",
          data: newData,
        },
      });
    }
    return { bundle, rotated: true, reason };
  }

  private async webhookConfigs(): Promise<V1ValidatingWebhookConfiguration[]> {
    const name = this.opts.webhookConfigName;
    if (!name) {
      const list = await this.admission.listValidatingWebhookConfiguration({
        labelSelector: WEBHOOK_COMPONENT_SELECTOR,
      });
      return list.items;
    }
    try {
      return [await this.admission.readValidatingWebhookConfiguration({ name })];
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  }

  private async injectWebhookConfigs(caBundle: string): Promise<string[]> {
    const updated: string[] = [];
    for (const config of await this.webhookConfigs()) {
      const ours = (config.webhooks ?? []).filter((w) => this.callsUs(w.clientConfig));
      if (ours.every((w) => w.clientConfig.caBundle === caBundle)) continue;
      for (const w of ours) w.clientConfig.caBundle = caBundle;
      const name = config.metadata?.name ?? "";
      await this.admission.replaceValidatingWebhookConfiguration({ name, body: config });
      updated.push(name);
    }
    return updated;
  }

  private isOurService(service: { name?: string; namespace?: string } | undefined): boolean {
    return service?.name === this.opts.serviceName && service.namespace === this.opts.serviceNamespace;
  }

  /** A clientConfig naming our Service, or a URL on one of the configured URL hosts. */
  private callsUs(
    clientConfig: { service?: { name?: string; namespace?: string }; url?: string } | undefined,
  ): boolean {
    if (this.isOurService(clientConfig?.service)) return true;
    if (!clientConfig?.url || !this.opts.urlHosts?.length) return false;
    let host: string;
    try {
      host = new URL(clientConfig.url).hostname.replace(/^\[(.*)\]$/, "$1");
    } catch {
      return false;
    }
    return this.opts.urlHosts.includes(host);
  }

  private pointsAtUs(crd: V1CustomResourceDefinition): boolean {
    return crd.spec.conversion?.strategy === "Webhook" && this.callsUs(crd.spec.conversion.webhook?.clientConfig);
  }

  private async injectCrds(caBundle: string): Promise<string[]> {
    const list = await this.crds.listCustomResourceDefinition();
    const updated: string[] = [];
    for (const crd of list.items) {
      const clientConfig = crd.spec.conversion?.webhook?.clientConfig;
      if (!this.pointsAtUs(crd) || !clientConfig || clientConfig.caBundle === caBundle) continue;
      clientConfig.caBundle = caBundle;
      await this.crds.replaceCustomResourceDefinition({ name: crd.metadata!.name!, body: crd });
      updated.push(crd.metadata!.name!);
    }
    return updated;
  }
}
