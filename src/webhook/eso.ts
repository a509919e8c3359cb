/**
 * Binds the webhook to this API: the same validation as `eso validate` (the API's rules, then a store's provider),
 * and v1beta1 <-> v1 conversion.
 */
import { convert } from "../api/conversion.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { manifestMessages } from "../providers/store-validation.js";
import type { ObjectValidator } from "./admission.js";
import type { ObjectConverter } from "./conversion.js";

/** Validates admitted objects; stores are also checked by their provider from `providers`. */
export function esoValidator(providers: ProviderRegistry): ObjectValidator {
  return (obj) => manifestMessages(obj, providers);
}

export const esoConverter: ObjectConverter = (obj, toApiVersion) => convert(obj, toApiVersion);
