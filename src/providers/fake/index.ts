export { type FakeSpec, fakeProvider } from "./provider.js";
