export { delineaProvider } from "./provider.js";
