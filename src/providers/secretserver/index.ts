export { secretServerProvider } from "./provider.js";
