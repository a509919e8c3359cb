/** The error thrown for template parse and execution failures; the message has Go's shape. */
export class TemplateError extends Error {
  override name = "TemplateError";
}
