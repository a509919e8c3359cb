/** The "yandexlockbox" provider: Yandex Lockbox payloads over its REST API, with an IAM token (kit/). */
import type { YandexLockboxProvider } from "../../api/providers/yandexlockbox.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { YandexLockboxClient } from "./client.js";
import { keyPolicy, validateYandexSpec, yandexSession } from "./kit/session.js";
import { LockboxApi } from "./transport.js";

const FIELD = "spec.provider.yandexlockbox";

export const yandexLockboxProvider: Provider<YandexLockboxProvider> = {
  name: "yandexlockbox",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: YandexLockboxProvider, storeKind: StoreKind): SpecValidation {
    return validateYandexSpec(spec, FIELD, storeKind);
  },
  async newClient(spec: YandexLockboxProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const session = await yandexSession(spec, ctx, FIELD, "yandexlockbox");
    return new YandexLockboxClient(new LockboxApi(session, keyPolicy(spec)));
  },
};
