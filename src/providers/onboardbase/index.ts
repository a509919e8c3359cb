export { onboardbaseProvider } from "./provider.js";
