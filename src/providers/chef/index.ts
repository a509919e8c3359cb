export { chefProvider } from "./provider.js";
