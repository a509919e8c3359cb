/**
 * `eso certcontroller`: keeps the webhook's TLS working. Issues a CA and a serving certificate for the
 * webhook Service into a Secret, injects the CA bundle into the ValidatingWebhookConfiguration(s) and the
 * CRDs' conversion webhook config, and re-issues before expiry.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { collectDefaultMetrics, Registry } from "prom-client";
import { parseDuration } from "../api/duration.js";
import { EndpointServers } from "../runtime/health.js";
import { createLogger } from "../runtime/logger.js";
import { CertRunner } from "../webhook/cert-runner.js";
import { FlagError, type FlagSpec, flagHelp, parseFlags, usageError } from "./flags.js";
import { loadKubeConfig } from "./kubeconfig.js";
import { untilSignal } from "./stop.js";

const flags: Record<string, FlagSpec> = {
  kubeconfig: { type: "string", default: "", help: "kubeconfig file (default: $KUBECONFIG, in-cluster)" },
  "secret-name": { type: "string", default: "external-secrets-webhook", help: "Secret for the CA and certificate" },
  "secret-namespace": { type: "string", default: "default", help: "namespace of --secret-name" },
  "service-name": { type: "string", default: "external-secrets-webhook", help: "the webhook's Service" },
  "service-namespace": { type: "string", default: "default", help: "namespace of --service-name" },
  "webhook-config-name": {
    type: "string",
    default: "",
    help: "ValidatingWebhookConfiguration to inject (default: all labelled external-secrets.io/component=webhook)",
  },
  "url-hosts": {
    type: "string",
    default: "",
    help: "comma-separated hosts (names or IPs) of clientConfig.url webhooks to inject too; the certificate covers them",
  },
  "enable-conversion-injection": {
    type: "bool",
    default: "true",
    help: "inject the CA into CRDs whose conversion webhook calls --service-name",
  },
  "crd-requeue-interval": { type: "duration", default: "5m", help: "how often everything is re-checked" },
  "lookahead-interval": {
    type: "duration",
    default: "720h",
    help: "re-issue the certificates this long before they expire",
  },
  "cert-validity": { type: "duration", default: "8760h", help: "validity of newly issued certificates" },
  "healthz-addr": {
    type: "string",
    default: ":8081",
    help: "address of /healthz and /readyz",
    alias: "health-addr",
  },
  "metrics-addr": { type: "string", default: ":8080", help: 'address of /metrics ("0" disables)' },
  loglevel: { type: "string", default: "info", help: "debug, info, warn or error" },
};

export const help = `Usage: eso certcontroller [flags]

Keeps the admission and conversion webhook's TLS valid: generates a CA and a serving certificate for
<service-name>.<service-namespace>.svc into the Secret (ca.crt, tls.crt, tls.key), injects the CA
bundle into the ValidatingWebhookConfiguration(s) and into spec.conversion.webhook.clientConfig of the
CRDs that call the webhook Service, and issues new certificates --lookahead-interval before expiry.
Reacts to changes of the Secret, the CRDs and the webhook configurations, and re-checks every
--crd-requeue-interval. Several replicas are safe: writes carry resourceVersions. Runs until SIGTERM.

Flags:
${flagHelp(flags)}

Example:
  eso certcontroller --secret-name eso-webhook --secret-namespace external-secrets \\
    --service-name eso-webhook --service-namespace external-secrets
`;

export async function run(argv: string[]): Promise<number> {
  let values: Map<string, string>;
  let kubeConfig: KubeConfig;
  try {
    values = parseFlags(argv, flags);
    kubeConfig = loadKubeConfig(values.get("kubeconfig") ?? "");
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError("certcontroller", err.message);
  }
  const lookaheadMs = parseDuration(values.get("lookahead-interval")!);
  const validityMs = parseDuration(values.get("cert-validity")!);
  if (validityMs <= lookaheadMs) {
    return usageError("certcontroller", "flag --cert-validity: must be longer than --lookahead-interval");
  }
  const log = createLogger({ level: values.get("loglevel"), name: "certcontroller" });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const runner = new CertRunner({
    kubeConfig,
    log,
    secretName: values.get("secret-name")!,
    secretNamespace: values.get("secret-namespace")!,
    serviceName: values.get("service-name")!,
    serviceNamespace: values.get("service-namespace")!,
    webhookConfigName: values.get("webhook-config-name") || undefined,
    urlHosts: (values.get("url-hosts") ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter(Boolean),
    injectConversion: values.get("enable-conversion-injection") === "true",
    lookaheadMs,
    validityDays: validityMs / 86_400_000,
    intervalMs: parseDuration(values.get("crd-requeue-interval")!),
  });
  const endpoints = new EndpointServers({
    healthAddr: values.get("healthz-addr"),
    metricsAddr: values.get("metrics-addr"),
    registry,
    healthChecks: new Map([["ping", () => true]]),
    readyChecks: new Map([["certificates", () => runner.ready]]),
  });
  await endpoints.start();
  runner.start();
  log.info({ secret: `${values.get("secret-namespace")}/${values.get("secret-name")}` }, "cert controller started");
  await untilSignal();
  await runner.stop();
  await endpoints.stop();
  log.info("cert controller stopped");
  log.flush();
  return 0;
}
