export { scalewayProvider } from "./provider.js";
