export { previderProvider } from "./provider.js";
