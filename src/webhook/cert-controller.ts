/**
 * Keeps the webhook's serving certificate valid and its CA trusted: issues a CA + serving certificate
 * into a Secret, re-issues before expiry, and injects the CA bundle into the ValidatingWebhookConfiguration
 * and into the conversion config of our CRDs. Writes only when something differs.
 */
import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import { type CertBundle, issueCertBundle, needsRotation, serviceDnsNames } from "./certs.js";

export interface CertControllerOptions {
  secretName: string;
  secretNamespace: string;
  serviceName: string;
  serviceNamespace: string;
  webhookConfigName: string;
  /** Inject the CA into CRDs whose conversion webhook points at our service. */
  injectConversion: boolean;
  /** Re-issue this long before expiry. */
  lookaheadMs: number;
  validityDays: number;
}

export interface CertReconcileOutcome {
  rotated: boolean;
  reason?: string;
  webhookConfigUpdated: boolean;
  crdsUpdated: string[];
}

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
    const webhookConfigUpdated = await this.injectWebhookConfig(caBundle);
    const crdsUpdated = this.opts.injectConversion ? await this.injectCrds(caBundle) : [];
    return { rotated: bundle.rotated, reason: bundle.reason, webhookConfigUpdated, crdsUpdated };
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
    const names = serviceDnsNames(this.opts.serviceName, this.opts.serviceNamespace);
    const reason = needsRotation(current, names, this.opts.lookaheadMs);
    if (!reason) return { bundle: current as CertBundle, rotated: false };

    const bundle = issueCertBundle(names, this.opts.validityDays);
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

  private async injectWebhookConfig(caBundle: string): Promise<boolean> {
    let config: Awaited<ReturnType<AdmissionregistrationV1Api["readValidatingWebhookConfiguration"]>>;
    try {
      config = await this.admission.readValidatingWebhookConfiguration({ name: this.opts.webhookConfigName });
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    const webhooks = config.webhooks ?? [];
    if (webhooks.every((w) => w.clientConfig.caBundle === caBundle)) return false;
    for (const w of webhooks) w.clientConfig.caBundle = caBundle;
    await this.admission.replaceValidatingWebhookConfiguration({ name: this.opts.webhookConfigName, body: config });
    return true;
  }

  private pointsAtUs(crd: V1CustomResourceDefinition): boolean {
    const service = crd.spec.conversion?.webhook?.clientConfig?.service;
    return (
      crd.spec.conversion?.strategy === "Webhook" &&
      service?.name === this.opts.serviceName &&
      service.namespace === this.opts.serviceNamespace
    );
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
