/**
 * The AWS provider and the ECR generator end to end against moto (a third-party AWS emulator, run as
 * moto_server on loopback) and, with the same scenario list, against our own AWS test server: a difference
 * between the two runs is either a bug in our provider or an unfaithful fake.
 */
import { FakeAws } from "../fakes/aws-server.js";
import { ACCESS_KEY, awsScenarios, REGION } from "./providers/aws-scenarios.js";
import { realBinaries, realComponents } from "./providers/real-components.js";

let moto: { url: string; stop(): Promise<void> } | undefined;

awsScenarios({
  name: "moto",
  async start() {
    const rc = await realComponents();
    moto = await rc.startMoto({ motoServer: (await realBinaries()).motoServer });
    return moto.url;
  },
  async stop() {
    await moto?.stop();
  },
});

let fake: FakeAws | undefined;

awsScenarios({
  name: "fake",
  async start() {
    fake = await new FakeAws(REGION).start();
    fake.addAccessKey(ACCESS_KEY[0], ACCESS_KEY[1]);
    return fake.url;
  },
  async stop() {
    await fake?.stop();
  },
  assumedRoles: () => (fake?.sessions ?? []).map((s) => ({ roleArn: s.roleArn, webIdentity: !!s.webIdentityToken })),
});
