import { registerProvider } from "../registry.js";
import { AwsSecretsProvider } from "./provider.js";

export { AwsSecretsProvider } from "./provider.js";
export { ENDPOINT_ENV } from "./sdk-options.js";

registerProvider(new AwsSecretsProvider());
