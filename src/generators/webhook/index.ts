/**
 * Webhook generator: one templated HTTP call with the webhook provider's client (URL/body/header templates,
 * secrets, CA trust, timeout, result.jsonPath); the JSON object it yields becomes the generated values.
 */
import type { WebhookSpec } from "../../api/generators.js";
import { ClientCaches } from "../../providers/caches.js";
import { webhookProvider } from "../../providers/webhook/index.js";
import { type Generator, GeneratorError } from "../generator.js";

/** Provider errors name spec.provider.webhook.*; here the same fields live directly under spec.*. */
const rename = (msg: string) => msg.replaceAll("spec.provider.webhook", "spec");

export const webhookGenerator: Generator<WebhookSpec> = {
  kind: "Webhook",
  clusterSpecKey: "webhookSpec",
  async generate(spec, ctx) {
    const { errors } = webhookProvider.validate(spec, "SecretStore");
    if (errors.length) throw new GeneratorError(rename(errors.join("; ")));
    let client: Awaited<ReturnType<typeof webhookProvider.newClient>>;
    try {
      client = await webhookProvider.newClient(spec, {
        kube: ctx.kube,
        // Nothing is kept between generations.
        caches: new ClientCaches(),
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
