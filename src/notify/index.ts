export * from "./adapters.js";
export * from "./caller-limit.js";
export * from "./coalesce.js";
export * from "./flags.js";
export * from "./keys.js";
export * from "./server.js";
