/**
 * The "yandexcertificatemanager" provider: certificate chains and private keys from Yandex Certificate Manager
 * over its REST API, with the Yandex kit's IAM token (yandexlockbox/kit/).
 */
import type { YandexCertificateManagerProvider } from "../../api/providers/yandexcertificatemanager.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { keyPolicy, validateYandexSpec, yandexSession } from "../yandexlockbox/kit/session.js";
import { YandexCertificateManagerClient } from "./client.js";
import { CertificateContentApi } from "./transport.js";

const FIELD = "spec.provider.yandexcertificatemanager";

export const yandexCertificateManagerProvider: Provider<YandexCertificateManagerProvider> = {
  name: "yandexcertificatemanager",
  capabilities(): Capabilities {
    return "ReadOnly";
  },
  validate(spec: YandexCertificateManagerProvider, storeKind: StoreKind): SpecValidation {
    return validateYandexSpec(spec, FIELD, storeKind);
  },
  async newClient(spec: YandexCertificateManagerProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const session = await yandexSession(spec, ctx, FIELD, "yandexcertificatemanager");
    return new YandexCertificateManagerClient(new CertificateContentApi(session, keyPolicy(spec)));
  },
};
