export { gcpSMProvider } from "./provider.js";
