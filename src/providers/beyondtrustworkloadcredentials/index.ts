export { beyondtrustWorkloadCredentialsProvider } from "./provider.js";
