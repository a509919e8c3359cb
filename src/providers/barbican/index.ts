export { barbicanProvider } from "./provider.js";
