export { ibmProvider } from "./provider.js";
