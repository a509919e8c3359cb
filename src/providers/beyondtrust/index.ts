export { beyondtrustProvider } from "./provider.js";
