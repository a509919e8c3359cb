/**
 * Webhook generator: one templated HTTP call with the webhook provider's client (URL/body/header templates,
 * secrets, CA trust, timeout, result.jsonPath); the JSON object it yields becomes the generated values.
 */
import type { WebhookProvider } from "../../api/providers/webhook.js";
import { webhookProvider } from "../../providers/webhook/provider.js";
import { type Generator, GeneratorError } from "../generator.js";
import { registerGenerator } from "../registry.js";

/** Provider errors name spec.provider.webhook.*; here the same fields live directly under spec.*. */
const rename = (msg: string) => msg.replaceAll("spec.provider.webhook", "spec");

export const webhookGenerator: Generator<WebhookProvider> = {
  kind: "Webhook",
  clusterSpecKey: "webhookSpec",
  async generate(spec, ctx) {
    const errs = webhookProvider.validateSpec(spec, "SecretStore");
    if (errs.length) throw new GeneratorError(rename(errs.join("; ")));
    let client: Awaited<ReturnType<typeof webhookProvider.newClient>>;
    try {
      client = await webhookProvider.newClient(spec, {
        kube: ctx.kube,
        storeKind: "SecretStore",
        storeName: "webhook-generator",
        namespace: ctx.namespace,
        signal: ctx.signal,
      });
    } catch (err) {
      throw new GeneratorError(rename((err as Error).message));
    }
    try {
      return { data: await client.getSecretMap({ key: "" }) };
    } finally {
      await client.close();
    }
  },
};

registerGenerator(webhookGenerator);
