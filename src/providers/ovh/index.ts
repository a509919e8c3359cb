export { ovhProvider } from "./provider.js";
