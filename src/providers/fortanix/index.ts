export { fortanixProvider } from "./provider.js";
