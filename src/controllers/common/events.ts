/** Kubernetes Events about the objects the controllers reconcile. Messages never carry secret values. */
import type { KubeClient, KubeObject } from "./kube-client.js";
import { EVENTS } from "./kube-client.js";

export interface EventRecorder {
  event(obj: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void;
}

/** Posts one core/v1 Event per call; failures are logged by the caller's logger, never thrown. */
export class ApiEventRecorder implements EventRecorder {
  constructor(
    private readonly client: KubeClient,
    private readonly component: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  event(obj: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void {
    const now = new Date().toISOString();
    const namespace = obj.metadata?.namespace || "default";
    const body = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { generateName: `${obj.metadata?.name ?? "object"}.`, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata?.name,
        namespace: obj.metadata?.namespace,
        uid: obj.metadata?.uid,
        resourceVersion: obj.metadata?.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component: this.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.client.create(EVENTS, body as KubeObject).catch(this.onError);
  }
}
