export { webhookProvider } from "./provider.js";
