import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmbeddedPg, type EmbeddedPg } from '@iamroll/embedded-pg';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { buildApp } from './app';
import { createMetricsServer } from './plugins/metrics';
import type { Config } from './config';
import type { SandboxControls } from './modules/sandbox/sandbox-controls';
import type { FirstAdmin } from './modules/users/ensure-first-admin';

export const EMBEDDED_DATABASE = 'iamroll';
const SHUTDOWN_GRACE_MS = 10_000;

export interface ServerOptions {
  readonly config: Config;
  /** Where the banner (URL, first admin credentials) goes: a human's terminal, not the log. */
  readonly stdout: (text: string) => void;
  /** Close on SIGTERM/SIGINT (default true; tests say false). */
  readonly isHandlingSignals?: boolean;
  readonly logStream?: DestinationStream;
  /** The sandbox's demo controls (`iamroll start` only). */
  readonly sandbox?: SandboxControls;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** The separate /metrics listener's URL when IAMROLL_METRICS_LISTEN is set. */
  readonly metricsUrl: string | undefined;
  /** `http://host:port/`, with a loopback address when listening on all interfaces. */
  readonly url: string;
  /** Stops accepting, finishes requests, closes the database (idempotent). */
  close(): Promise<void>;
  /** Settles once the server has stopped, whatever stopped it. */
  readonly closed: Promise<void>;
}

/** Starts the API: the database (embedded when DATABASE_URL is unset), migrations, the HTTP listener. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, stdout } = options;
  let embedded: EmbeddedPg | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dataDir = resolve(config.dataDir, 'pg');
    stdout(`Starting the embedded PostgreSQL (data in ${dataDir}; set DATABASE_URL to use your own)…\n`);
    embedded = await startEmbeddedPg({ dataDir, isPersistent: true, isDurable: true, nice: config.embeddedPgNice });
    await embedded.ensureDatabase(EMBEDDED_DATABASE);
    databaseUrl = embedded.connectionString(EMBEDDED_DATABASE);
  }

  let firstAdmin: FirstAdmin | undefined;
  let app: FastifyInstance | undefined;
  let metricsUrl: string | undefined;
  let metricsServer: Server | undefined;
  try {
    app = await buildApp(
      { ...config, databaseUrl },
      {
        onFirstAdmin: (admin) => (firstAdmin = admin),
        ...(options.logStream ? { logStream: options.logStream } : {}),
        ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      },
    );
    await app.listen({ host: config.host, port: config.port });
    if (config.metricsListen) {
      metricsServer = createMetricsServer(app.metrics, config.metricsToken);
      const listening = metricsServer;
      const { host, port } = config.metricsListen;
      await new Promise<void>((resolveListen, rejectListen) => {
        listening.once('error', rejectListen);
        listening.listen(port, host, () => resolveListen());
      });
      const metricsPort = (listening.address() as AddressInfo).port;
      metricsUrl = `http://${host.includes(':') ? `[${host}]` : host}:${metricsPort}/metrics`;
    }
  } catch (error) {
    await closeMetrics(metricsServer);
    await app?.close();
    await embedded?.stop();
    throw error;
  }

  const { port } = app.server.address() as AddressInfo;
  const shownHost =
    config.host === '0.0.0.0' || config.host === '::'
      ? '127.0.0.1'
      : config.host.includes(':')
        ? `[${config.host}]`
        : config.host;
  const url = config.publicUrl ? `${config.publicUrl.replace(/\/+$/, '')}/` : `http://${shownHost}:${port}/`;
  stdout(banner(url, firstAdmin, config.logFile));

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolveClosed) => (markClosed = resolveClosed));
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const force = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
      try {
        await closeMetrics(metricsServer);
        await app.close();
      } finally {
        clearTimeout(force);
        await embedded?.stop();
        markClosed();
      }
    })();
    return closing;
  };

  if (options.isHandlingSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      stdout(`\n${signal}: stopping the controller…\n`);
      void close().then(() => stdout('Stopped.\n'));
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    void closed.then(() => {
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
    });
  }
  return { app, url, metricsUrl, close, closed };
}

function closeMetrics(server: Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolveClose) => server.close(() => resolveClose()));
}

function banner(url: string, admin: FirstAdmin | undefined, logFile: string | undefined): string {
  const lines = ['', 'iamroll controller is running.', '', `  Dashboard:  ${url}`, `  API docs:   ${url}docs`, ''];
  if (admin?.generatedPassword) {
    lines.push(
      '  First start: an admin user was created. Sign in with',
      `    username: ${admin.username}`,
      `    password: ${admin.generatedPassword}`,
      '  This password is shown only this once and is not stored anywhere readable:',
      '  keep it, or change it after signing in (POST /api/v1/auth/password).',
      '',
    );
  } else if (admin) {
    lines.push(
      `  First start: user "${admin.username}" was created with the password from IAMROLL_ADMIN_PASSWORD.`,
      '',
    );
  }
  if (logFile) lines.push(`  Logs: ${logFile}`);
  lines.push('  Stop with Ctrl+C.', '');
  return `${lines.join('\n')}\n`;
}

/** Where `iamroll start` writes logs by default, so the terminal shows only the banner. */
export function defaultLogFile(config: Config): string {
  return join(config.dataDir, 'api.log');
}
