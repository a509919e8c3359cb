/** The error thrown for template parse and execution failures; the message has Go's shape. */
export class TemplateError extends Error {
  override name = "TemplateError";
  /**
   * The message with the argument text of failing function calls withheld (see exec.ts): what status
   * conditions, events and logs may show when the data is secret.
   */
  readonly safeMessage: string;

  constructor(message: string, safeMessage?: string) {
    super(message);
    this.safeMessage = safeMessage ?? message;
  }
}

/** The resource bounds of one render: its memory budget and its wall-clock deadline. */
export type TemplateLimit = "memory" | "timeout";

/** A render stopped at its memory budget or deadline (the template may succeed when tried again later). */
export class TemplateLimitError extends TemplateError {
  override name = "TemplateLimitError";

  constructor(
    readonly limit: TemplateLimit,
    message: string,
    safeMessage?: string,
  ) {
    super(message, safeMessage);
  }
}

/** "64 MiB", "1.5 KiB", "100 bytes": how the memory budget is named in errors. */
export function formatBytes(n: number): string {
  const units: [number, string][] = [
    [1024 ** 3, "GiB"],
    [1024 ** 2, "MiB"],
    [1024, "KiB"],
  ];
  for (const [size, unit] of units) if (n >= size) return `${+(n / size).toFixed(2)} ${unit}`;
  return `${n} bytes`;
}

/** A duration as Go prints it for whole and fractional seconds and milliseconds ("2s", "1.5s", "250ms"). */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)}s` : `${+ms.toFixed(3)}ms`;
}

export function memoryLimitMessage(bytes: number): string {
  return `template exceeded its memory limit of ${formatBytes(bytes)}`;
}

export function timeoutMessage(ms: number): string {
  return `template timed out after ${formatMs(ms)}`;
}
