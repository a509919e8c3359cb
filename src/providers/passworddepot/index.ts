export { passwordDepotProvider } from "./provider.js";
