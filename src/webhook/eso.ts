/** Binds the webhook to this API: the same validation as `eso validate`, and v1beta1 <-> v1 conversion. */
import { convert } from "../api/conversion.js";
import { validationMessages } from "../api/validation.js";
import type { ObjectValidator } from "./admission.js";
import type { ObjectConverter } from "./conversion.js";

export const esoValidator: ObjectValidator = validationMessages;

export const esoConverter: ObjectConverter = (obj, toApiVersion) => convert(obj, toApiVersion);
