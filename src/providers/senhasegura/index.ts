export { senhaseguraProvider } from "./provider.js";
