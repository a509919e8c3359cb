/**
 * A TCP relay on 127.0.0.1 in front of the API server whose connections a test can cut at will, as a dropped
 * network path or a load balancer does. TLS passes through untouched (the serving certificate is for 127.0.0.1,
 * whatever the port), so a client notices only that its connections (watches included) broke.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface ConnectionCutter {
  /** https://127.0.0.1:<port>, for a kubeconfig's server */
  url: string;
  /** Destroys every open connection; returns how many there were. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startConnectionCutter(target: string): Promise<ConnectionCutter> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    open.add(client);
    const end = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const url = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    url,
    cutAll: () => {
      const n = open.size;
      for (const s of [...open]) s.destroy();
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...open]) s.destroy();
        server.close(() => resolve());
      }),
  };
}
