import { registerProvider } from "../registry.js";
import { gcpSMProvider } from "./provider.js";

registerProvider(gcpSMProvider);

export { gcpSMProvider };
