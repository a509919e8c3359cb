export * from "./adapters.js";
export * from "./flags.js";
export * from "./keys.js";
export * from "./server.js";
