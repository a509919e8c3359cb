export { akeylessProvider } from "./provider.js";
