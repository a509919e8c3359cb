export { pulumiProvider } from "./provider.js";
