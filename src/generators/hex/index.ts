export { hexGenerator, randomHex } from "./generator.js";
