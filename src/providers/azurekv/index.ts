import { registerProvider } from "../registry.js";
import { azureKVProvider } from "./provider.js";

registerProvider(azureKVProvider);

export { azureKVProvider };
