import { registerProvider } from "../registry.js";
import { dopplerProvider } from "./provider.js";

registerProvider(dopplerProvider);

export { dopplerProvider };
