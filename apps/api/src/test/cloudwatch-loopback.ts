import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

// A stand-in for Amazon CloudWatch on 127.0.0.1, speaking what the SDK v3 client speaks:
// AWS JSON 1.0 (`POST /`, `Content-Type: application/x-amz-json-1.0`,
// `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`), gzip request bodies
// (PutMetricData over 10 kB), timestamps as epoch seconds, errors as `{__type, message}`
// with the query-compatible `x-amzn-query-error: <Code>;<Sender|Receiver>` header.
// For tests only: it never checks signatures, but records that requests were signed.

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';

export interface RecordedRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  readonly wasGzipped: boolean;
}

export interface LoopbackError {
  readonly status: number;
  /** e.g. `Throttling`, `AccessDenied`. */
  readonly code: string;
  readonly message: string;
}

export interface MetricQuery {
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly { readonly Name: string; readonly Value: string }[];
  readonly period: number;
  readonly stat: string;
}

export interface CloudWatchLoopbackOptions {
  /** The value of a GetMetricData query for the period starting at `periodStartSeconds`; undefined: no datapoint. */
  readonly metricValue?: (query: MetricQuery, periodStartSeconds: number) => number | undefined;
  /** DescribeAlarms' alarms (state set by the test). */
  readonly alarms?: () => readonly Record<string, unknown>[];
  /** Answer an operation with an error instead (throttling, access denied), while it returns one. */
  readonly failWith?: (operation: string) => LoopbackError | undefined;
}

export interface CloudWatchLoopback {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_CLOUDWATCH. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  of(operation: string): RecordedRequest[];
  close(): Promise<void>;
}

interface RawQuery {
  Id: string;
  MetricStat: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
}

function getMetricData(body: Record<string, unknown>, options: CloudWatchLoopbackOptions) {
  const start = Number(body.StartTime);
  const end = Number(body.EndTime);
  const queries = (body.MetricDataQueries ?? []) as RawQuery[];
  return {
    MetricDataResults: queries.map((raw) => {
      const query: MetricQuery = {
        id: raw.Id,
        namespace: raw.MetricStat.Metric.Namespace,
        metricName: raw.MetricStat.Metric.MetricName,
        dimensions: raw.MetricStat.Metric.Dimensions ?? [],
        period: raw.MetricStat.Period,
        stat: raw.MetricStat.Stat,
      };
      const timestamps: number[] = [];
      const values: number[] = [];
      for (let t = Math.ceil(start / query.period) * query.period; t < end; t += query.period) {
        const value = options.metricValue?.(query, t);
        if (value === undefined) continue;
        timestamps.push(t);
        values.push(value);
      }
      return { Id: raw.Id, Label: query.metricName, Timestamps: timestamps, Values: values, StatusCode: 'Complete' };
    }),
    Messages: [],
  };
}

export async function startCloudWatchLoopback(options: CloudWatchLoopbackOptions = {}): Promise<CloudWatchLoopback> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
        response.end(JSON.stringify(payload));
      };
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.method !== 'POST' || request.url !== '/' || !target.startsWith(CLOUDWATCH_TARGET_PREFIX))
        return send(400, { __type: 'UnknownOperationException', message: `not CloudWatch JSON 1.0: ${target}` });
      const wasGzipped = request.headers['content-encoding'] === 'gzip';
      const raw = Buffer.concat(chunks);
      const text = (wasGzipped ? gunzipSync(raw) : raw).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const operation = target.slice(CLOUDWATCH_TARGET_PREFIX.length);
      requests.push({ operation, body, headers: request.headers, wasGzipped });
      const failure = options.failWith?.(operation);
      if (failure) {
        return send(
          failure.status,
          { __type: `com.amazonaws.cloudwatch#${failure.code}`, message: failure.message },
          { 'x-amzn-query-error': `${failure.code};${failure.status >= 500 ? 'Receiver' : 'Sender'}` },
        );
      }
      switch (operation) {
        case 'GetMetricData':
          return send(200, getMetricData(body, options));
        case 'PutMetricData':
        case 'PutMetricAlarm':
          return send(200, {});
        case 'DescribeAlarms':
          return send(200, { MetricAlarms: options.alarms?.() ?? [], CompositeAlarms: [] });
        default:
          return send(400, { __type: 'InvalidAction', message: `${operation} is not served here` });
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    of: (operation) => requests.filter((r) => r.operation === operation),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
