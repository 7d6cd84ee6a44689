import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RdsSimCounters } from './counters';
import { toGetMetricData } from './cloudwatch-shape';

export interface MetricsServer {
  /** `http://127.0.0.1:<port>/metrics` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` → the counters as JSON; `GET /metrics?format=cloudwatch` →
 * GetMetricData-shaped JSON. Loopback only: it is a local tool's window.
 */
export async function startMetricsServer(port: number, snapshot: () => RdsSimCounters): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(`${JSON.stringify(body)}\n`);
    };
    if (url.pathname !== '/metrics') return send(404, { error: 'not found: try GET /metrics' });
    if (request.method !== 'GET') return send(405, { error: 'only GET' });
    const format = url.searchParams.get('format') ?? 'json';
    if (format === 'json') return send(200, snapshot());
    if (format === 'cloudwatch') return send(200, toGetMetricData(snapshot()));
    return send(400, { error: `unknown format "${format}": use json or cloudwatch` });
  });
  // Idle keep-alive sockets would hold close() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${boundPort}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
