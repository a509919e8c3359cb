/**
 * One running controller (in-process API server) on a loopback AWS, with a SecretStore in `ns` whose access key
 * the fake accepts. The batch gathering window is widened to 50 ms so the first syncs reliably meet in a batch
 * whatever the machine's load.
 */
import { ENDPOINT_ENV } from "../../src/providers/aws/index.js";
import { ClientCaches } from "../../src/providers/caches.js";
import { FakeAws } from "../fakes/aws-server.js";
import { createAwsStore, createNamespace, type Harness, startHarness } from "../support/world.js";

export interface AwsController {
  h: Harness;
  aws: FakeAws;
  stop(): Promise<void>;
}

export async function startAwsController(
  ns: string,
  key: readonly [string, string],
  prepare: (aws: FakeAws) => void,
): Promise<AwsController> {
  const aws = await new FakeAws("us-east-1").start();
  process.env[ENDPOINT_ENV.secretsmanager] = aws.url;
  process.env[ENDPOINT_ENV.sts] = aws.url;
  aws.addAccessKey(key[0], key[1]);
  prepare(aws);
  const providerCaches = new ClientCaches({ reads: { batchWindowMs: 50 } });
  const h = await startHarness({ concurrency: 8, providerCaches });
  await createNamespace(h, ns);
  await createAwsStore(h, ns, "aws", "aws-creds", key);
  return {
    h,
    aws,
    stop: async () => {
      await h.stop();
      await aws.stop();
      providerCaches.clear();
    },
  };
}
