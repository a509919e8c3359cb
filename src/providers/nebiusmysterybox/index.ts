export { NEBIUS_ENDPOINT_ENV } from "./endpoints.js";
export { nebiusMysteryboxProvider } from "./provider.js";
