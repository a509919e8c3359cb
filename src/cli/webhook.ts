/**
 * `eso webhook`: the HTTPS admission (AdmissionReview v1, validating) and conversion (ConversionReview v1)
 * webhook. It serves the certificate the cert controller writes into the mounted Secret, waits for it on
 * start, and picks up rotated certificates without a restart.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Counter, collectDefaultMetrics, Registry } from "prom-client";
import { parseDuration } from "../api/duration.js";
import { registerBuiltinProviders } from "../providers/builtin.js";
import { EndpointServers } from "../runtime/health.js";
import { createLogger } from "../runtime/logger.js";
import { servingProblem } from "../util/serving-certs.js";
import { esoConverter, esoValidator } from "../webhook/eso.js";
import { startWebhookServer, type WebhookServer } from "../webhook/server.js";
import { FlagError, type FlagSpec, flagHelp, parseFlags, usageError } from "./flags.js";
import { untilSignal } from "./stop.js";

const flags: Record<string, FlagSpec> = {
  port: { type: "int", default: "10250", help: "HTTPS port for /validate-* and /convert", max: 65535 },
  "bind-address": { type: "string", default: "", help: "address to listen on (default: all interfaces)" },
  "cert-dir": { type: "string", default: "/tmp/certs", help: "directory holding tls.crt and tls.key" },
  "dns-name": { type: "string", default: "", help: "readiness requires the certificate to cover this name" },
  "healthz-addr": {
    type: "string",
    default: ":8081",
    help: "address of /healthz and /readyz",
    alias: "health-addr",
  },
  "metrics-addr": { type: "string", default: ":8080", help: 'address of /metrics ("0" disables)' },
  "lookahead-interval": {
    type: "duration",
    default: "",
    help: "readiness fails when the certificate expires within this interval",
  },
  "tls-min-version": {
    type: "string",
    default: "1.2",
    help: "minimum TLS version: 1.2 or 1.3",
    choices: ["1.2", "1.3"],
  },
  loglevel: { type: "string", default: "info", help: "debug, info, warn or error" },
};

export const help = `Usage: eso webhook [flags]

Serves the validating admission webhook (POST /validate-<kind>, AdmissionReview v1) for every
external-secrets.io kind, with the same checks as 'eso validate', and the CRD conversion webhook
(POST /convert, ConversionReview v1) between v1beta1 and v1, over HTTPS. The certificate is read
from --cert-dir (tls.crt, tls.key), as the cert controller writes it; until it exists the webhook
waits and reports not ready. Runs until SIGTERM or SIGINT.

Flags:
${flagHelp(flags)}

Example:
  eso webhook --port 10250 --cert-dir /tmp/certs --dns-name eso-webhook.external-secrets.svc
`;

const POLL_MS = 500;

function certificateFiles(dir: string): boolean {
  const ok = (f: string) => existsSync(join(dir, f)) && statSync(join(dir, f)).size > 0;
  return ok("tls.crt") && ok("tls.key");
}

export async function run(argv: string[]): Promise<number> {
  let values: Map<string, string>;
  try {
    values = parseFlags(argv, flags);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return usageError("webhook", err.message);
  }
  const port = Number(values.get("port"));
  const tlsMin = values.get("tls-min-version");
  const certDir = values.get("cert-dir")!;
  const dnsName = values.get("dns-name") ?? "";
  const lookaheadText = values.get("lookahead-interval") ?? "";
  const lookaheadMs = lookaheadText ? parseDuration(lookaheadText) : 0;
  const log = createLogger({ level: values.get("loglevel"), name: "webhook" });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const reviews = new Counter({
    name: "webhook_reviews_total",
    help: "Admission and conversion reviews answered, by outcome",
    labelNames: ["review", "outcome"],
    registers: [registry],
  });

  let server: WebhookServer | undefined;
  // The certificate the server is serving, parsed when it (re)loads the files, not on every probe.
  const certificateUsable = (): boolean => {
    const cert = server?.certificate();
    return cert !== undefined && servingProblem(cert, dnsName ? [dnsName] : [], lookaheadMs) === undefined;
  };
  const endpoints = new EndpointServers({
    healthAddr: values.get("healthz-addr"),
    metricsAddr: values.get("metrics-addr"),
    registry,
    healthChecks: new Map([["ping", () => true]]),
    readyChecks: new Map([["certificate", certificateUsable]]),
  });
  await endpoints.start();

  let signalled = false;
  const signal = untilSignal().then((s) => {
    signalled = true;
    return s;
  });
  if (!certificateFiles(certDir)) log.info({ certDir }, "waiting for the serving certificate");
  while (!signalled && !certificateFiles(certDir)) {
    await Promise.race([signal, new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  if (!signalled) {
    server = await startWebhookServer({
      port,
      host: values.get("bind-address") ?? "",
      certDir,
      minVersion: tlsMin === "1.3" ? "TLSv1.3" : "TLSv1.2",
      validate: esoValidator(registerBuiltinProviders()),
      convert: esoConverter,
      onReview: (review, outcome) => reviews.inc({ review, outcome }),
    });
    log.info({ port: server.port, certDir }, "webhook serving");
    process.stdout.write(`eso webhook listening on ${server.url}\n`);
    await signal;
  }
  await server?.close();
  await endpoints.stop();
  log.info("webhook stopped");
  log.flush();
  return 0;
}
