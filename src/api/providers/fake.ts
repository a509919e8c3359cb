import { type Static, Type } from "@sinclair/typebox";

export const FakeProviderDataSchema = Type.Object({
  key: Type.String(),
  value: Type.Optional(Type.String()),
  /** Deprecated upstream (v1beta1): a map of values, served as JSON. */
  valueMap: Type.Optional(Type.Record(Type.String(), Type.String())),
  version: Type.Optional(Type.String()),
});
export type FakeProviderData = Static<typeof FakeProviderDataSchema>;

/** Static values, for tests and demos. validationResult: 0 Ready, 1 Unknown, 2 Error (as upstream). */
export const FakeProviderSchema = Type.Object({
  data: Type.Array(FakeProviderDataSchema),
  validationResult: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
});
export type FakeProvider = Static<typeof FakeProviderSchema>;
