import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RdsSimCounters } from './counters';
import { toGetMetricData } from './cloudwatch-shape';
import { answerQuery, queryError, signedRegion } from '../rds-api/describe-db-instances';

export interface MetricsServer {
  /** `http://127.0.0.1:<port>/metrics` */
  readonly url: string;
  /** `http://127.0.0.1:<port>`: RDS's Query API (DescribeDBInstances), for AWS_ENDPOINT_URL_RDS. */
  readonly rdsApiUrl: string;
  close(): Promise<void>;
}

/** A Query API form body is small; anything bigger is not a DescribeDBInstances call. */
const MAX_QUERY_BODY_BYTES = 64 * 1024;

/**
 * `GET /metrics` → the counters as JSON; `GET /metrics?format=cloudwatch` →
 * GetMetricData-shaped JSON; `POST /` (form-encoded, AWS Query protocol) → RDS's
 * DescribeDBInstances for the simulated account (rds-api/). Loopback only: it is a local tool's window.
 */
export async function startMetricsServer(port: number, snapshot: () => RdsSimCounters): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(`${JSON.stringify(body)}\n`);
    };
    if (request.method === 'POST' && url.pathname === '/') return answerRdsApi(request, response);
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
    rdsApiUrl: `http://127.0.0.1:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerRdsApi(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_QUERY_BODY_BYTES) chunks.push(chunk);
  });
  request.on('end', () => {
    const answer =
      size > MAX_QUERY_BODY_BYTES
        ? queryError(413, 'RequestEntityTooLarge', 'The request body is too large.')
        : answerQuery(
            new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
            signedRegion(request.headers.authorization),
          );
    response.writeHead(answer.status, { 'content-type': 'text/xml', 'cache-control': 'no-store' });
    response.end(answer.body);
  });
}
