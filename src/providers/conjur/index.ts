export { conjurProvider } from "./provider.js";
