/** Yandex Lockbox (upstream's `yandexlockbox` provider block). */
import type { Static } from "@sinclair/typebox";
import { yandexProviderSchema } from "./yandex-common.js";

export const YandexLockboxProviderSchema = yandexProviderSchema("secret");
export type YandexLockboxProvider = Static<typeof YandexLockboxProviderSchema>;
