export { infisicalProvider } from "./provider.js";
