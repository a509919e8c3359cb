export { DEFAULT_TEMPLATE_TIMEOUT_MS, TemplatePool, type TemplatePoolOptions } from "./pool.js";
