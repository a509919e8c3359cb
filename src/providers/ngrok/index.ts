export { ngrokProvider } from "./provider.js";
