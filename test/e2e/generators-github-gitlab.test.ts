/**
 * GithubAccessToken and GitlabDeployToken end to end, through the running controllers and the in-process API
 * server against the loopback GitHub and GitLab fakes: ExternalSecret -> generator -> Secret with the documented
 * keys; the deploy token is recorded as GeneratorState and revoked once the ExternalSecret is deleted; a
 * refusing service gives Ready=False naming the call and status, and no Secret.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { GENERATOR_STATES } from "../../src/kube/index.js";
import { FakeGithub } from "../fakes/github-server.js";
import { type GitlabFake, startGitlabFake } from "../fakes/gitlab-server.js";
import { fromGenerator, gen } from "../support/generator-refs.js";
import { eventually } from "../support/poll.js";
import {
  createNamespace,
  EXTERNAL_SECRETS,
  externalSecret,
  readyCondition,
  SECRETS,
  secretData,
  secretManifest,
  useHarness,
} from "../support/world.js";

const NS = "gitforges";
const API = "generators.external-secrets.io/v1alpha1";
const GITLAB_TOKEN = "glpat-e2e-maintainer";
const app = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
});

let github: FakeGithub;
let gitlab: GitlabFake;

const githubSpec = (installID: string) => ({
  url: github.url,
  appID: "4242",
  installID,
  repositories: ["charts"],
  permissions: { contents: "read" },
  auth: { privateKey: { secretRef: { name: "github-app", key: "private-key.pem" } } },
});
const gitlabSpec = (tokenSecret: string) => ({
  url: gitlab.url,
  projectID: "platform/charts",
  name: "eso-pull",
  scopes: ["read_repository", "read_registry"],
  expiresAfter: "720h",
  auth: { token: { secretRef: { name: tokenSecret, key: "token" } } },
});

before(async () => {
  github = await new FakeGithub().start();
  github.addApp("4242", app.publicKey).addInstallation("31", {
    appID: "4242",
    repositories: ["charts", "infra"],
    permissions: { contents: "write", metadata: "read" },
  });
  gitlab = await startGitlabFake(GITLAB_TOKEN);
  gitlab.projects.set("platform/charts", { variables: [], groups: [] });
});

const h = useHarness({}, async (h) => {
  await createNamespace(h, NS);
  await h.client.create(SECRETS, secretManifest(NS, "github-app", { "private-key.pem": app.privateKey }));
  await h.client.create(SECRETS, secretManifest(NS, "gitlab-api", { token: GITLAB_TOKEN }));
  await h.client.create(SECRETS, secretManifest(NS, "gitlab-stale", { token: "glpat-revoked-long-ago" }));
});

after(async () => {
  await github.stop();
  await gitlab.close();
});

async function failedCondition(name: string) {
  return eventually(
    async () => {
      const c = await readyCondition(h, EXTERNAL_SECRETS, NS, name);
      return c?.status === "False" ? c : undefined;
    },
    { timeoutMs: 15_000, what: `${name} Ready=False` },
  );
}

describe("GithubAccessToken through an ExternalSecret", () => {
  it("writes the installation token under `token`", async () => {
    await h.client.create(gen("githubaccesstokens"), {
      apiVersion: API,
      kind: "GithubAccessToken",
      metadata: { name: "charts-reader", namespace: NS },
      spec: githubSpec("31"),
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("github-token", NS, fromGenerator("GithubAccessToken", "charts-reader", "1h")),
    );
    const data = await eventually(
      async () => {
        const d = await secretData(h, NS, "github-token");
        return d.token ? d : undefined;
      },
      { timeoutMs: 15_000, what: "github token" },
    );
    assert.deepEqual(Object.keys(data), ["token"]);
    const issued = github.issued.find((t) => t.token === data.token);
    assert.ok(issued, "the Secret holds a token GitHub issued");
    assert.deepEqual(issued.repositories, ["charts"]);
    assert.equal(github.requests.at(-1)?.claims?.iss, "4242");
  });

  it("an installation GitHub does not know is Ready=False naming the call and status, with no Secret", async () => {
    await h.client.create(gen("githubaccesstokens"), {
      apiVersion: API,
      kind: "GithubAccessToken",
      metadata: { name: "no-such-install", namespace: NS },
      spec: githubSpec("99"),
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("github-broken", NS, fromGenerator("GithubAccessToken", "no-such-install", "1h")),
    );
    const cond = await failedCondition("github-broken");
    assert.match(cond.message!, /github: POST \/app\/installations\/99\/access_tokens: HTTP 404/);
    assert.equal(await h.client.get(SECRETS, NS, "github-broken"), undefined);
  });
});

describe("GitlabDeployToken through an ExternalSecret (via a ClusterGenerator)", () => {
  it("writes username and token, records the token as GeneratorState and revokes it with the ExternalSecret", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "charts-deploy-token" },
      spec: { kind: "GitlabDeployToken", generator: { gitlabDeployTokenSpec: gitlabSpec("gitlab-api") } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("gitlab-token", NS, fromGenerator("ClusterGenerator", "charts-deploy-token", "1h")),
    );
    const data = await eventually(
      async () => {
        const d = await secretData(h, NS, "gitlab-token");
        return d.token ? d : undefined;
      },
      { timeoutMs: 15_000, what: "deploy token" },
    );
    const made = gitlab.deployTokens.find((t) => t.token === data.token);
    assert.ok(made, "the Secret holds a deploy token GitLab created");
    assert.equal(data.username, made.username);
    assert.equal(made.owner, "projects/platform/charts");
    assert.deepEqual(made.scopes, ["read_repository", "read_registry"]);
    const days = (Date.parse(made.expires_at!) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);

    const states = await eventually(
      async () => {
        const all = (await h.client.list(GENERATOR_STATES, NS)).filter((s: any) => s.spec.state?.tokenID === made.id);
        return all.length ? all : undefined;
      },
      { what: "GeneratorState for the deploy token" },
    );
    assert.equal(states[0].spec.state.projectID, "platform/charts");
    assert.equal(made.revoked, false);

    await h.client.delete(EXTERNAL_SECRETS, NS, "gitlab-token");
    await eventually(() => made.revoked, { timeoutMs: 20_000, what: "deploy token revoked" });
  });

  it("a refused access token is Ready=False naming the call and status, with no Secret and no token value", async () => {
    await h.client.create(gen("clustergenerators"), {
      apiVersion: API,
      kind: "ClusterGenerator",
      metadata: { name: "stale-deploy-token" },
      spec: { kind: "GitlabDeployToken", generator: { gitlabDeployTokenSpec: gitlabSpec("gitlab-stale") } },
    });
    await h.client.create(
      EXTERNAL_SECRETS,
      externalSecret("gitlab-broken", NS, fromGenerator("ClusterGenerator", "stale-deploy-token", "1h")),
    );
    const cond = await failedCondition("gitlab-broken");
    assert.match(cond.message!, /gitlab: create deploy token in project platform\/charts: HTTP 401/);
    assert.doesNotMatch(cond.message!, /glpat-/);
    assert.equal(await h.client.get(SECRETS, NS, "gitlab-broken"), undefined);
  });
});
