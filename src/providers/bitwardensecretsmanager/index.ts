export { bitwardenSecretsManagerProvider } from "./provider.js";
