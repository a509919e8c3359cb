export { mfaGenerator, newMfaGenerator } from "./generator.js";
