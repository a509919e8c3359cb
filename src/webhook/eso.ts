/** Binds the webhook to this API: the same validation as `eso validate`, and v1beta1 <-> v1 conversion. */
import { convert } from "../api/conversion.js";
import { formatValidationError, validateObject } from "../api/validation.js";
import type { ObjectValidator } from "./admission.js";
import type { ObjectConverter } from "./conversion.js";

export const esoValidator: ObjectValidator = (obj) => {
  const issues = validateObject(obj);
  return {
    errors: issues.filter((i) => i.severity === "error").map(formatValidationError),
    warnings: issues.filter((i) => i.severity === "warning").map(formatValidationError),
  };
};

export const esoConverter: ObjectConverter = (obj, toApiVersion) => convert(obj, toApiVersion);
