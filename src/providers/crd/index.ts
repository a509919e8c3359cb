export { crdProvider } from "./provider.js";
