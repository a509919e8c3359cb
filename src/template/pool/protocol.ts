/** Messages between the template pool and its workers: one request and one reply per render. */

import type { TemplateLimit } from "../errors.js";
import type { Limits } from "../exec.js";

export interface RenderRequest {
  id: number;
  name: string;
  text: string;
  data: Record<string, string>;
  limits: Partial<Limits>;
}

export type RenderReply =
  | { id: number; ok: true; output: string }
  | { id: number; ok: false; message: string; safeMessage: string; limit?: TemplateLimit };

/** Sent once by a worker when it has loaded the template engine and takes requests. */
export interface ReadyMessage {
  ready: true;
}
