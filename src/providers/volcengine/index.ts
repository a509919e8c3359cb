export { volcengineProvider } from "./provider.js";
