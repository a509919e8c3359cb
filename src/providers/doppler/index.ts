export { dopplerProvider } from "./provider.js";
