export { dvlsProvider } from "./provider.js";
