import type * as ApiConfig from '@iamroll/api/config';
import type { Config } from '@iamroll/api/config';
import { CliError, type CliIo } from './io';

// What `serve` and `start` share: loading the API's config and running the controller.

/** --host/--port of `serve` and `start`. */
export interface ControllerFlags {
  readonly host?: string;
  readonly port?: number;
}

type ConfigModule = typeof ApiConfig;
let configModule: ConfigModule | undefined;

/**
 * Loads the API's config schema (TypeBox: ~0.5 s). main.ts preloads this before
 * parsing when the command is serve/start, so --help can list the variables
 * while `iamroll lint` never pays for it.
 */
export async function preloadController(): Promise<void> {
  configModule ??= await import('@iamroll/api/config');
}

/** The environment variables, from the API's own config schema, for --help. */
export function environmentHelp(): string {
  if (!configModule) return '';
  const lines = Object.entries(configModule.EnvSchema.properties).map(([name, schema]) => {
    const { description, default: fallback } = schema as { description?: string; default?: unknown };
    const shown =
      typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean'
        ? ` (default ${fallback})`
        : '';
    return `  ${name}${shown}${description ? `\n      ${description}` : ''}`;
  });
  return `\nEnvironment:\n${lines.join('\n')}\n`;
}

export interface ControllerMode {
  /** Logs to a file by default (IAMROLL_LOG_FILE overrides), so the terminal shows only the banner. */
  readonly isLoggingToFile: boolean;
  readonly note?: string;
}

/** Starts the controller and resolves once it has stopped (SIGINT/SIGTERM). Shared by `serve` and `start`. */
export async function runController(io: CliIo, flags: ControllerFlags, mode: ControllerMode): Promise<void> {
  await preloadController();
  const { ConfigError, loadConfig } = configModule!;
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const { defaultLogFile, startServer } = await import('@iamroll/api');
  config = {
    ...config,
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.port === undefined ? {} : { port: flags.port }),
    ...(mode.isLoggingToFile && !config.logFile ? { logFile: defaultLogFile(config) } : {}),
  };
  if (mode.note) io.stdout(`${mode.note}\n`);
  const server = await startServer({ config, stdout: io.stdout }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    if (/EADDRINUSE/.test(reason))
      throw new CliError(`port ${config.port} on ${config.host} is taken: stop what uses it, or pass --port.`);
    throw new CliError(`the controller did not start: ${reason}`);
  });
  await server.closed;
}
