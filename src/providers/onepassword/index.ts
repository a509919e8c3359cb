import { registerProvider } from "../registry.js";
import { onePasswordProvider } from "./provider.js";

registerProvider(onePasswordProvider);

export { onePasswordProvider };
