export { azureKVProvider } from "./provider.js";
