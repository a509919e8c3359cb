/**
 * JSON logs (pino) with a redaction guard: whatever object is logged, Secret payloads never reach the output.
 * The guard walks every logged object and replaces the values of sensitive keys (data, stringData, tokens,
 * passwords...) and any Buffer with "[REDACTED]"; Kubernetes Secret objects are reduced to their identity.
 */
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

export const REDACTED = "[REDACTED]";

const sensitiveKeys = new Set(
  [
    "data",
    "stringdata",
    "binarydata",
    "password",
    "passwd",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "bearertoken",
    "secretaccesskey",
    "sessiontoken",
    "clientsecret",
    "privatekey",
    "apikey",
    "secretvalue",
    "secretstring",
    "secretbinary",
    "authorization",
    "cookie",
    "credentials",
  ].map((k) => k.toLowerCase()),
);

/** True when a log key holds secret material (case-insensitive, ignoring - and _). */
export function isSensitiveKey(key: string): boolean {
  return sensitiveKeys.has(key.toLowerCase().replace(/[-_]/g, ""));
}

/** Returns a copy of `value` with secret material replaced; safe on cycles and deep objects. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return REDACTED;
  if (seen.has(value) || depth > 12) return "[...]";
  seen.add(value);
  if (value instanceof Error) {
    return { type: value.name, message: value.message, ...(scrub({ ...value }, depth + 1, seen) as object) };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  const obj = value as Record<string, unknown>;
  if (obj.kind === "Secret" && typeof obj.metadata === "object" && obj.metadata) {
    const m = obj.metadata as Record<string, unknown>;
    return { kind: "Secret", metadata: { namespace: m.namespace, name: m.name, resourceVersion: m.resourceVersion } };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = isSensitiveKey(k) && v !== undefined && v !== null && v !== "" ? REDACTED : scrub(v, depth + 1, seen);
  }
  return out;
}

/** Upstream ESO --loglevel values (zap) mapped onto pino levels. */
export function pinoLevel(level: string): string {
  switch (level.toLowerCase()) {
    case "debug":
      return "debug";
    case "warn":
    case "warning":
      return "warn";
    case "error":
      return "error";
    case "dpanic":
    case "panic":
    case "fatal":
      return "fatal";
    case "trace":
      return "trace";
    case "silent":
      return "silent";
    default:
      return "info";
  }
}

export interface LoggerOptions {
  /** debug, info, warn, error, dpanic, panic, fatal (as upstream), or silent. */
  level?: string;
  /** Where lines go (default stdout). */
  destination?: DestinationStream;
  name?: string;
}

/** Creates the operator's root logger; use `.child({controller})` for scoped loggers. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: pinoLevel(opts.level ?? "info"),
      name: opts.name,
      base: undefined,
      messageKey: "msg",
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => scrub(obj) as Record<string, unknown>,
        bindings: (b) => scrub(b) as Record<string, unknown>,
      },
      serializers: { err: (e: unknown) => scrub(e) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** A logger that drops everything (tests, libraries used without a logger). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
