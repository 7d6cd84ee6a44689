import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { RdsSim } from '@iamroll/rds-sim';
import { CliError, type CliIo } from '../io';
import { parseListenPort } from '../options';

interface SimFlags {
  readonly port: number;
  readonly rate: number;
  readonly endpointHost?: string;
  readonly region: string;
  readonly dataDir: string;
  readonly metricsPort: number;
  readonly json?: boolean;
}

/** What `iamroll sim --json` prints, on one line, once the simulator accepts connections. */
export interface SimReady {
  readonly event: 'ready';
  readonly instanceId: string;
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly caFile: string;
  readonly iamUser: string;
  readonly database: string;
  readonly passwordUser: { readonly user: string; readonly password: string } | null;
  /** Simulator-only keys: they open nothing but this simulator. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly authRatePerSecond: number;
  readonly metricsUrl: string;
  readonly psql: string;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0)
    throw new InvalidArgumentError('expected IAM authentications per second (a number ≥ 0)');
  return rate;
}

/** libpq conninfo quoting: values with spaces, quotes or backslashes go in single quotes. */
function conninfoValue(value: string): string {
  return /[\s'\\]/.test(value) ? `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'` : value;
}

export function describeReady(sim: RdsSim): SimReady {
  const credential = sim.credentials[0];
  if (!credential) throw new Error('the simulator has no credentials');
  const token = `npx iamroll token --host ${sim.endpointHost} --port ${sim.endpointPort} --user ${sim.iamUser} --region ${sim.region}`;
  // psql dials 127.0.0.1, so verify-full checks the certificate's IP entry; the token names the endpoint.
  const conninfo = `host=${sim.host} port=${sim.port} user=${sim.iamUser} dbname=${sim.database} sslmode=verify-full sslrootcert=${conninfoValue(sim.caFile)}`;
  return {
    event: 'ready',
    instanceId: sim.instanceId,
    endpointHost: sim.endpointHost,
    endpointPort: sim.endpointPort,
    host: sim.host,
    port: sim.port,
    region: sim.region,
    caFile: sim.caFile,
    iamUser: sim.iamUser,
    database: sim.database,
    passwordUser: sim.passwordUsers[0] ?? null,
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    authRatePerSecond: sim.authRatePerSecond,
    metricsUrl: sim.metricsUrl,
    psql: `PGPASSWORD=$(${token}) psql "${conninfo}"`,
  };
}

function readyText(ready: SimReady): string {
  const password = ready.passwordUser
    ? `\n  password user  ${ready.passwordUser.user} / ${ready.passwordUser.password} (relayed to PostgreSQL's own SCRAM)`
    : '';
  return [
    `RDS IAM simulator ${ready.instanceId} is ready (TLS only, max TLS 1.2, ${ready.authRatePerSecond} IAM authentications/s)`,
    `  endpoint       ${ready.endpointHost}:${ready.endpointPort}  (tokens must be signed for this name and port)`,
    `  listening on   ${ready.host}:${ready.port}`,
    `  region         ${ready.region}`,
    `  CA file        ${ready.caFile}`,
    `  IAM user       ${ready.iamUser}  (member of rds_iam)   database  ${ready.database}${password}`,
    `  metrics        ${ready.metricsUrl}  (?format=cloudwatch for GetMetricData's shape)`,
    '',
    'Simulator-only credentials (they sign tokens this simulator accepts, nothing else):',
    `  export AWS_ACCESS_KEY_ID=${ready.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY='${ready.credentials.secretAccessKey}'`,
    'Then connect:',
    `  ${ready.psql}`,
    '',
    'Stop with Ctrl-C.',
    '',
  ].join('\n');
}

/** Resolves with the signal's name on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export function register(program: Command, io: CliIo, untilStopped: () => Promise<string> = untilSignal): void {
  program
    .command('sim')
    .description(
      'Run a local stand-in for an Amazon RDS PostgreSQL instance with IAM database authentication: TLS required, ' +
        'SigV4 rds-db tokens verified, rds_iam members log in only with a token, the per-instance IAM rate budget ' +
        'throttles like RDS, and CloudWatch-named counters are served at /metrics. Backed by an embedded PostgreSQL ' +
        '(kept in --data-dir). Runs until Ctrl-C or SIGTERM.',
    )
    .option('--port <port>', 'listening port on 127.0.0.1 (0 = any free port)', parseListenPort, 15432)
    .option('--rate <n>', 'IAM authentications per second the instance admits before throttling', parseRate, 200)
    .option(
      '--endpoint-host <name>',
      'endpoint name tokens must be signed for (default sim-1.abcdefghijkl.<region>.rds.amazonaws.com)',
    )
    .option('--region <region>', 'region tokens must be signed for', 'us-east-1')
    .option('--data-dir <dir>', 'where the embedded PostgreSQL and the CA file live', '.data/sim')
    .option('--metrics-port <port>', 'port of the loopback metrics endpoint (0 = any free port)', parseListenPort, 0)
    .option('--json', 'print one JSON line (the endpoint, CA file, credentials, metrics URL) instead of text')
    .action(async (flags: SimFlags) => {
      const dataDir = resolve(io.cwd, flags.dataDir);
      await mkdir(dataDir, { recursive: true, mode: 0o755 });
      let sim: RdsSim;
      try {
        const { startRdsSim } = await import('@iamroll/rds-sim');
        sim = await startRdsSim({
          dataDir: join(dataDir, 'pg'),
          caFile: join(dataDir, 'ca.pem'),
          port: flags.port,
          authRatePerSecond: flags.rate,
          region: flags.region,
          metricsPort: flags.metricsPort,
          ...(flags.endpointHost ? { endpointHost: flags.endpointHost } : {}),
        });
      } catch (error) {
        throw new CliError(`the simulator did not start: ${error instanceof Error ? error.message : String(error)}`);
      }
      const ready = describeReady(sim);
      io.stdout(flags.json ? `${JSON.stringify(ready)}\n` : readyText(ready));
      const signal = await untilStopped();
      await sim.close();
      if (!flags.json) io.stderr(`iamroll sim: ${signal}: stopped\n`);
    });
}
