import { Type, type Static } from 'typebox';
import Value from 'typebox/value';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

// ---- CloudWatch and metrics sources (issue 13): every part is off unless turned on.
const OnOff = (description: string) => Type.Enum(['on', 'off'], { default: 'off', description });
const CloudWatchEnvSchema = {
  IAMROLL_CLOUDWATCH_METRICS: OnOff(
    "on: the leader polls CloudWatch GetMetricData for every database's AWS/RDS IamDbAuth* metrics and DatabaseConnections.",
  ),
  IAMROLL_CLOUDWATCH_PUBLISH: OnOff(
    'on: the leader publishes per-database and per-node IAM connection rates from the agents as custom metrics (PutMetricData, 1 s resolution).',
  ),
  IAMROLL_CLOUDWATCH_ALARMS: OnOff(
    'on: the leader creates or updates CloudWatch alarms per database (PutMetricAlarm) and reads their state (DescribeAlarms).',
  ),
  IAMROLL_CLOUDWATCH_NAMESPACE: Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[^:]+$',
    default: 'Iamroll',
    description: 'Namespace of the custom metrics (and of the custom-metric alarms).',
  }),
  IAMROLL_CLOUDWATCH_PERIOD_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 3600,
    default: 60,
    description:
      "Metric period and poll interval in seconds: 1, 5, 10, 20, 30 or a multiple of 60 (RDS's own metrics are 60 s).",
  }),
  IAMROLL_CLOUDWATCH_TOLERANCE: Type.Number({
    minimum: 0,
    maximum: 10,
    default: 0.25,
    description:
      "Reconciliation: the agents' rate and CloudWatch's may differ by this fraction (0.25 = 25%) before an info alarm opens.",
  }),
  IAMROLL_CLOUDWATCH_ASSUME_ROLE_ARN: Type.Optional(
    Type.String({
      pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$',
      description: 'Role to assume (STS AssumeRole, cached) on top of the default credential chain for CloudWatch.',
    }),
  ),
  IAMROLL_CLOUDWATCH_ALARM_ACTIONS: Type.Optional(
    Type.String({
      pattern: '^arn:[^,]+(,arn:[^,]+)*$',
      description: 'Comma-separated ARNs (SNS topics, …) the managed alarms notify on ALARM, e.g. the on-call topic.',
    }),
  ),
  AWS_ENDPOINT_URL_CLOUDWATCH: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'CloudWatch endpoint override (VPC endpoint, a local stand-in).',
    }),
  ),
  IAMROLL_RDS_SIM_METRICS_URLS: Type.Optional(
    Type.String({
      pattern: '^https?://[^,]+(,https?://[^,]+)*$',
      description:
        "Comma-separated RDS simulator metrics URLs (`http://127.0.0.1:<port>/metrics`): the sandbox's metrics source, polled like CloudWatch.",
    }),
  ),
};

/** The CloudWatch / metrics-source settings (`config.cloudWatch`). */
export interface CloudWatchConfig {
  readonly isPolling: boolean;
  readonly isPublishing: boolean;
  readonly isManagingAlarms: boolean;
  readonly namespace: string;
  readonly periodSeconds: number;
  /** Fraction, 0.25 = 25%. */
  readonly tolerance: number;
  readonly assumeRoleArn: string | undefined;
  readonly alarmActions: readonly string[];
  readonly endpointUrl: string | undefined;
  readonly simulatorMetricsUrls: readonly string[];
}

function cloudWatchConfig(env: Static<typeof EnvSchema>): CloudWatchConfig {
  return {
    isPolling: env.IAMROLL_CLOUDWATCH_METRICS === 'on',
    isPublishing: env.IAMROLL_CLOUDWATCH_PUBLISH === 'on',
    isManagingAlarms: env.IAMROLL_CLOUDWATCH_ALARMS === 'on',
    namespace: env.IAMROLL_CLOUDWATCH_NAMESPACE,
    periodSeconds: env.IAMROLL_CLOUDWATCH_PERIOD_SECONDS,
    tolerance: env.IAMROLL_CLOUDWATCH_TOLERANCE,
    assumeRoleArn: env.IAMROLL_CLOUDWATCH_ASSUME_ROLE_ARN,
    alarmActions: env.IAMROLL_CLOUDWATCH_ALARM_ACTIONS?.split(',') ?? [],
    endpointUrl: env.AWS_ENDPOINT_URL_CLOUDWATCH,
    simulatorMetricsUrls: env.IAMROLL_RDS_SIM_METRICS_URLS?.split(',') ?? [],
  };
}

/** CloudWatch accepts these periods (high resolution below a minute), else multiples of 60. */
export function isCloudWatchPeriod(seconds: number): boolean {
  return [1, 5, 10, 20, 30].includes(seconds) || seconds % 60 === 0;
}

export const CLOUDWATCH_OFF: CloudWatchConfig = cloudWatchConfig(
  Value.Default(Type.Object(CloudWatchEnvSchema), {}) as Static<typeof EnvSchema>,
);
// ---- end of CloudWatch

// ---- RDS DescribeDBInstances (issue 12: preflight per database).
const RdsEnvSchema = {
  IAMROLL_RDS_CHECK: Type.Enum(['on', 'off'], {
    default: 'on',
    description:
      'on: the controller asks RDS (DescribeDBInstances) whether each database has IAM database authentication enabled, and reads its resource id (on registration, every IAMROLL_RDS_CHECK_INTERVAL_SECONDS on the leader, and on demand). Without AWS credentials a database is shown `unchecked`, nothing fails.',
  }),
  IAMROLL_RDS_CHECK_INTERVAL_SECONDS: Type.Integer({
    minimum: 10,
    maximum: 86_400,
    default: 600,
    description: 'How often the leader checks every database with DescribeDBInstances.',
  }),
  IAMROLL_RDS_ASSUME_ROLE_ARN: Type.Optional(
    Type.String({
      pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$',
      description: 'Role to assume (STS AssumeRole, cached) on top of the default credential chain for RDS.',
    }),
  ),
  AWS_ENDPOINT_URL_RDS: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'RDS API endpoint override (an RDS interface VPC endpoint; the sandbox points it at the simulator).',
    }),
  ),
};

/** The RDS check settings (`config.rds`); undefined (tests): checks off. */
export interface RdsConfig {
  readonly isChecking: boolean;
  readonly checkIntervalSeconds: number;
  readonly assumeRoleArn: string | undefined;
  readonly endpointUrl: string | undefined;
  /** Static keys instead of the default chain: only the sandbox sets it (the simulator's own key). Never log it. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}
// ---- end of RDS

/**
 * Every environment variable the API reads, in one place. Values arrive as
 * strings and are converted by the schema; nothing else reads process.env.
 */
export const EnvSchema = Type.Object({
  DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'PostgreSQL to use. Unset: an embedded PostgreSQL with its data under IAMROLL_DATA_DIR.',
    }),
  ),
  IAMROLL_DATA_DIR: Type.String({
    minLength: 1,
    default: '.data/api',
    description: 'Where the embedded PostgreSQL keeps its data.',
  }),
  IAMROLL_EMBEDDED_PG_NICE: Type.Integer({
    minimum: 0,
    maximum: 19,
    default: 10,
    description:
      "The embedded PostgreSQL's CPU niceness (0 = the API's own priority). Its writes are batched and asynchronous, so on a shared machine the API's event loop keeps its core first.",
  }),
  IAMROLL_HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to listen on.' }),
  IAMROLL_PORT: Type.Integer({ ...Port, default: 8080, description: 'TCP port to listen on (0 picks a free one).' }),
  IAMROLL_PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'The URL users reach the dashboard at; https:// makes cookies Secure.',
    }),
  ),
  IAMROLL_SECURE_COOKIES: Type.Optional(
    Type.Boolean({
      description: 'Force the Secure cookie flag on or off (default: on when IAMROLL_PUBLIC_URL is https).',
    }),
  ),
  IAMROLL_TRUST_PROXY: Type.Boolean({
    default: false,
    description: 'Trust X-Forwarded-* headers (behind a load balancer) for client IPs.',
  }),
  IAMROLL_ADMIN_PASSWORD: Type.Optional(
    Type.String({
      minLength: 12,
      maxLength: 256,
      description:
        'Password of the first `admin` user, created when no user exists. Unset: generated and printed once.',
    }),
  ),
  IAMROLL_ENROLLMENT_TOKEN: Type.Optional(
    Type.String({
      minLength: 24,
      maxLength: 256,
      description: 'A bootstrap enrollment token agents may use, besides the ones created in the API.',
    }),
  ),
  IAMROLL_SESSION_TTL_HOURS: Type.Integer({
    minimum: 1,
    maximum: 24 * 30,
    default: 12,
    description: 'How long a login lasts.',
  }),
  IAMROLL_LOGIN_ATTEMPTS_PER_MINUTE: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 10,
    description:
      'Failed login attempts allowed per client IP and username per minute (successful ones are not counted).',
  }),
  IAMROLL_LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 30,
    description: 'Failed login attempts allowed per client IP per minute, whatever the usernames (password spraying).',
  }),
  IAMROLL_DB_POOL_SIZE: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'Connections in the API pool (Prisma and raw SQL share it).',
  }),
  IAMROLL_METRICS_TOKEN: Type.Optional(
    Type.String({
      minLength: 24,
      maxLength: 256,
      description:
        'Require `Authorization: Bearer <this>` on /metrics (Prometheus: `authorization: {credentials: …}`). Unset: /metrics is open.',
    }),
  ),
  IAMROLL_METRICS_LISTEN: Type.Optional(
    Type.String({
      pattern: '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$',
      description:
        'host:port of a separate listener serving only /metrics (e.g. 10.0.0.5:9464); the API port then has none.',
    }),
  ),
  IAMROLL_LOG_FILE: Type.Optional(
    Type.String({ minLength: 1, description: 'Write logs to this file instead of stdout.' }),
  ),
  IAMROLL_WEBHOOK_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description:
        'Receives a JSON POST for every rollout pause waiting for a human, node failure, completion and rollback (retried with backoff; no secret in it).',
    }),
  ),
  IAMROLL_HEARTBEAT_KEEP_ALIVE_MS: Type.Integer({
    minimum: 1_000,
    maximum: 60_000,
    default: 10_000,
    description:
      "The keep-alive the heartbeat reply asks of idle nodes (nodes report at once when their counters move, and at 1 s in a rollout wave or near their database's budget). Three missed ones make a node stale. 30000 (Kong's own data-plane ping) takes a third of the idle heartbeats off a small controller.",
  }),
  IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS: Type.Integer({
    minimum: 1_000,
    maximum: 60_000,
    default: 30_000,
    description:
      "The longest keep-alive a busy process asks of idle nodes: while its event loop is over 75 % busy (5 s average) it lengthens the keep-alive a step a second up to this, and shortens it again under 50 %. Nodes whose counters move, nodes in a rollout wave and nodes near their database's budget are not affected. At or below IAMROLL_HEARTBEAT_KEEP_ALIVE_MS: never lengthened.",
  }),
  IAMROLL_ROLLOUT_RECONCILE_MS: Type.Integer({
    minimum: 50,
    maximum: 60_000,
    default: 1000,
    description: 'How often the leader reconciles active rollouts.',
  }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  ...CloudWatchEnvSchema,
  ...RdsEnvSchema,
});
export type Env = Static<typeof EnvSchema>;

export type LogLevel = Env['LOG_LEVEL'];

export interface Config {
  /** Contains a password: never log it. Undefined means "start the embedded PostgreSQL". */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string | undefined;
  readonly isCookieSecure: boolean;
  readonly isProxyTrusted: boolean;
  readonly adminPassword: string | undefined;
  readonly enrollmentToken: string | undefined;
  readonly sessionTtlHours: number;
  readonly loginAttemptsPerMinute: number;
  readonly loginAttemptsPerClientPerMinute: number;
  readonly dbPoolSize: number;
  /** The embedded PostgreSQL's niceness (unused with DATABASE_URL). */
  readonly embeddedPgNice: number;
  readonly logFile: string | undefined;
  readonly logLevel: LogLevel;
  readonly cloudWatch: CloudWatchConfig;
  /** A secret: never log it. */
  readonly metricsToken: string | undefined;
  /** Where the separate /metrics listener listens; undefined: /metrics is served on the API port. */
  readonly metricsListen: { readonly host: string; readonly port: number } | undefined;
  /** Rollout notifications (optional: no webhook when unset). May hold a token in its query: never log it. */
  readonly webhookUrl?: string | undefined;
  /** The heartbeat reply's keep-alive for idle nodes (default 10,000 ms: reply-interval.ts). */
  readonly heartbeatKeepAliveMs?: number;
  /** The longest keep-alive a busy event loop asks of idle nodes (default 30,000 ms: keep-alive-governor.ts). */
  readonly heartbeatKeepAliveMaxMs?: number;
  /** The rollout reconciler's interval (default 1000 ms). */
  readonly rolloutReconcileMs?: number;
  /** DescribeDBInstances checks (issue 12). Undefined: off (no RDS call at all). */
  readonly rds?: RdsConfig;
}

/** All configuration problems at once, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once at start; throws ConfigError listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const known = Object.keys(EnvSchema.properties);
  // Empty strings count as unset: `FOO= iamroll serve` should not fail on FOO.
  const raw = Object.fromEntries(known.flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
  const converted = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw));
  const problems = Value.Errors(EnvSchema, converted).map((error) => {
    const name = error.instancePath.replace(/^\//, '') || missingName(error.params);
    // Never echo the value: several of these variables are secrets.
    return `${name}: ${error.message}`;
  });
  const period = (converted as Partial<Env>).IAMROLL_CLOUDWATCH_PERIOD_SECONDS;
  if (typeof period === 'number' && Number.isInteger(period) && !isCloudWatchPeriod(period))
    problems.push('IAMROLL_CLOUDWATCH_PERIOD_SECONDS: must be 1, 5, 10, 20, 30 or a multiple of 60');
  const metricsListen = parseListen(converted as Env);
  if (metricsListen === null) problems.push('IAMROLL_METRICS_LISTEN: port must be 0–65535');
  if (problems.length > 0) throw new ConfigError(problems);
  const parsed = converted as Env;
  const publicUrl = parsed.IAMROLL_PUBLIC_URL;
  return {
    databaseUrl: parsed.DATABASE_URL,
    dataDir: parsed.IAMROLL_DATA_DIR,
    host: parsed.IAMROLL_HOST,
    port: parsed.IAMROLL_PORT,
    publicUrl,
    isCookieSecure: parsed.IAMROLL_SECURE_COOKIES ?? publicUrl?.startsWith('https://') ?? false,
    isProxyTrusted: parsed.IAMROLL_TRUST_PROXY,
    adminPassword: parsed.IAMROLL_ADMIN_PASSWORD,
    enrollmentToken: parsed.IAMROLL_ENROLLMENT_TOKEN,
    sessionTtlHours: parsed.IAMROLL_SESSION_TTL_HOURS,
    loginAttemptsPerMinute: parsed.IAMROLL_LOGIN_ATTEMPTS_PER_MINUTE,
    loginAttemptsPerClientPerMinute: parsed.IAMROLL_LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE,
    dbPoolSize: parsed.IAMROLL_DB_POOL_SIZE,
    embeddedPgNice: parsed.IAMROLL_EMBEDDED_PG_NICE,
    logFile: parsed.IAMROLL_LOG_FILE,
    logLevel: parsed.LOG_LEVEL,
    cloudWatch: cloudWatchConfig(parsed),
    metricsToken: parsed.IAMROLL_METRICS_TOKEN,
    metricsListen: metricsListen ?? undefined,
    webhookUrl: parsed.IAMROLL_WEBHOOK_URL,
    heartbeatKeepAliveMs: parsed.IAMROLL_HEARTBEAT_KEEP_ALIVE_MS,
    heartbeatKeepAliveMaxMs: parsed.IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS,
    rolloutReconcileMs: parsed.IAMROLL_ROLLOUT_RECONCILE_MS,
    rds: {
      isChecking: parsed.IAMROLL_RDS_CHECK === 'on',
      checkIntervalSeconds: parsed.IAMROLL_RDS_CHECK_INTERVAL_SECONDS,
      assumeRoleArn: parsed.IAMROLL_RDS_ASSUME_ROLE_ARN,
      endpointUrl: parsed.AWS_ENDPOINT_URL_RDS,
    },
  };
}

/** `host:port` or `[v6]:port`; null when the port is out of range. */
function parseListen(env: Partial<Env>): { host: string; port: number } | null | undefined {
  const value = env.IAMROLL_METRICS_LISTEN;
  if (typeof value !== 'string') return undefined;
  const colon = value.lastIndexOf(':');
  const port = Number(value.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port > 65_535) return null;
  return { host: value.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}

function missingName(params: object): string {
  const missing = (params as { requiredProperties?: unknown }).requiredProperties;
  return Array.isArray(missing) ? missing.join(', ') : 'environment';
}
