/** A function callable from templates: already-evaluated arguments in, a value of the value model (values.ts) out. */
export type TemplateFunc = (...args: unknown[]) => unknown;
