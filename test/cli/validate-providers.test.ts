/** `eso validate` runs each store's provider checks, as the admission webhook does. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateText } from "../../src/cli/validate.js";
import { registerBuiltinProviders } from "../../src/providers/builtin.js";

const providers = registerBuiltinProviders();

const gitlabStore = (extra: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: gitlab, namespace: demo }
spec:
  provider:
    gitlab:
      projectID: "4711"
      auth: { SecretRef: { accessToken: { name: gitlab-token, key: token } } }
${extra}`;

describe("eso validate: provider checks", () => {
  it("a store its provider rejects is an error naming the object and the provider's field", async () => {
    const r = await validateText(
      gitlabStore(`      inheritFromGroups: true\n      groupIDs: ["42"]`),
      "s.yaml",
      providers,
    );
    assert.deepEqual(r.errors, [
      "s.yaml: SecretStore demo/gitlab: spec.provider.gitlab.groupIDs: may not be set together with inheritFromGroups",
    ]);
  });

  it("the same store without the conflict is valid", async () => {
    const r = await validateText(gitlabStore(`      inheritFromGroups: true`), "s.yaml", providers);
    assert.deepEqual(r.errors, []);
    assert.equal(r.validated, 1);
  });

  it("a manifest the API already rejects is not handed to the provider", async () => {
    const r = await validateText(
      gitlabStore(`      inheritFromGroups: "yes"\n      groupIDs: ["42"]`),
      "s.yaml",
      providers,
    );
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]!, /spec\.provider\.gitlab\.inheritFromGroups: /);
  });
});
