/** kube-apiserver style errors, rendered as metav1.Status objects. */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
  /** Sent as kube's plain-text "404 page not found" rather than a Status. */
  plainText?: boolean;
}

const reasons: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Expired",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

export function reasonForCode(code: number): string {
  return reasons[code] ?? "Unknown";
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason: string = reasonForCode(code),
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    const s: Record<string, unknown> = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) {
      // Go's omitempty: empty name, group and kind are left out.
      const d: Record<string, unknown> = { ...this.details };
      for (const k of ["name", "group", "kind"] as const) if (d[k] === "") delete d[k];
      delete d.plainText;
      s.details = d;
    }
    return s;
  }
}

/** "secrets" in the core group, "externalsecrets.external-secrets.io" elsewhere, as kube prints qualified resources. */
export function qualified(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(group: string, resource: string, name: string): ApiError {
  return new ApiError(404, `${qualified(group, resource)} "${name}" not found`, "NotFound", {
    name,
    group,
    kind: resource,
  });
}

export function alreadyExists(group: string, resource: string, name: string): ApiError {
  return new ApiError(409, `${qualified(group, resource)} "${name}" already exists`, "AlreadyExists", {
    name,
    group,
    kind: resource,
  });
}

export function conflict(group: string, resource: string, name: string, why: string): ApiError {
  return new ApiError(
    409,
    `Operation cannot be fulfilled on ${qualified(group, resource)} "${name}": ${why}`,
    "Conflict",
    {
      name,
      group,
      kind: resource,
    },
  );
}

export const staleMessage =
  "the object has been modified; please apply your changes to the latest version and try again";

export function badRequest(message: string): ApiError {
  return new ApiError(400, message, "BadRequest");
}

export function gone(message: string): ApiError {
  return new ApiError(410, message, "Expired");
}

/** 422 with one cause per field error, formatted like kube's field.ErrorList. */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): ApiError {
  // Go's aggregate error prints a repeated message once.
  const msgs = [...new Set(causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)))];
  const summary = msgs.length === 1 ? msgs[0] : `[${msgs.join(", ")}]`;
  return new ApiError(422, `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${summary}`, "Invalid", {
    name,
    group,
    kind,
    causes,
  });
}

export interface FieldError {
  field: string;
  type: "Invalid" | "Required" | "NotSupported" | "Forbidden" | "TooLong" | "TooMany" | "Duplicate";
  detail: string;
  value?: unknown;
}

const causeReasons: Record<FieldError["type"], string> = {
  Invalid: "FieldValueInvalid",
  Required: "FieldValueRequired",
  NotSupported: "FieldValueNotSupported",
  Forbidden: "FieldValueForbidden",
  TooLong: "FieldValueTooLong",
  TooMany: "FieldValueTooMany",
  Duplicate: "FieldValueDuplicate",
};

const typeText: Record<FieldError["type"], string> = {
  Invalid: "Invalid value",
  Required: "Required value",
  NotSupported: "Unsupported value",
  Forbidden: "Forbidden",
  TooLong: "Too long",
  TooMany: "Too many",
  Duplicate: "Duplicate value",
};

function renderValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return "null";
  if (typeof v === "object") return Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
  return String(v);
}

export function toCause(e: FieldError): StatusCause {
  const hasValue = e.type === "Invalid" || e.type === "NotSupported" || e.type === "Duplicate";
  const head = hasValue && e.value !== undefined ? `${typeText[e.type]}: ${renderValue(e.value)}` : typeText[e.type];
  return { reason: causeReasons[e.type], message: e.detail ? `${head}: ${e.detail}` : head, field: e.field };
}

export function invalidFields(group: string, kind: string, name: string, errs: FieldError[]): ApiError {
  return invalid(group, kind, name, errs.map(toCause));
}
