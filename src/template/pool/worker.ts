/** A template pool worker: renders requests one at a time with the limits the pool sends along. */
import { parentPort } from "node:worker_threads";
import { memoryLimitMessage, TemplateError, TemplateLimitError } from "../errors.js";
import { DEFAULT_LIMITS, renderESO } from "../index.js";
import type { ReadyMessage, RenderReply, RenderRequest } from "./protocol.js";

/** V8's errors for a string or buffer too large to allocate: the template ran out of memory. */
const ALLOCATION_FAILED = /Invalid string length|Array buffer allocation failed|Invalid array length/;

function reply(req: RenderRequest): RenderReply {
  try {
    return { id: req.id, ok: true, output: renderESO(req.name, req.text, req.data, { limits: req.limits }) };
  } catch (e) {
    if (e instanceof TemplateLimitError) {
      return { id: req.id, ok: false, message: e.message, safeMessage: e.safeMessage, limit: e.limit };
    }
    if (e instanceof TemplateError) return { id: req.id, ok: false, message: e.message, safeMessage: e.safeMessage };
    if (e instanceof RangeError && ALLOCATION_FAILED.test(e.message)) {
      const message = `template: ${req.name}: ${memoryLimitMessage(req.limits.maxMemoryBytes ?? DEFAULT_LIMITS.maxMemoryBytes)}`;
      return { id: req.id, ok: false, message, safeMessage: message, limit: "memory" };
    }
    const message = `template: ${req.name}: internal error: ${e instanceof Error ? e.message : String(e)}`;
    return { id: req.id, ok: false, message, safeMessage: `template: ${req.name}: internal error` };
  }
}

const port = parentPort;
if (port) {
  port.on("message", (req: RenderRequest) => port.postMessage(reply(req)));
  port.postMessage({ ready: true } satisfies ReadyMessage);
}
