export { kubernetesProvider } from "./provider.js";
