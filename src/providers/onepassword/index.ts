export { onePasswordProvider } from "./provider.js";
