export { ENDPOINT_ENV } from "./kit/sdk-options.js";
export { awsProvider, newAwsProvider } from "./provider.js";
