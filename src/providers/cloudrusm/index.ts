export { cloudruSMProvider } from "./provider.js";
