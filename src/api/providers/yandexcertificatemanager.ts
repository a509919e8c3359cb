/** Yandex Certificate Manager (upstream's `yandexcertificatemanager` provider block). */
import type { Static } from "@sinclair/typebox";
import { yandexProviderSchema } from "./yandex-common.js";

export const YandexCertificateManagerProviderSchema = yandexProviderSchema("certificate");
export type YandexCertificateManagerProvider = Static<typeof YandexCertificateManagerProviderSchema>;
