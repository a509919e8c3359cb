import { registerProvider } from "../registry.js";
import { webhookProvider } from "./provider.js";

registerProvider(webhookProvider);

export { webhookProvider };
