// Runs the API on its own (`npm start -w @iamroll/api`); the CLI's
// `iamroll serve` does the same. The only place process.env is read.
import { ConfigError, loadConfig } from './config';
import { startServer } from './server';

try {
  const server = await startServer({ config: loadConfig(process.env), stdout: (text) => process.stdout.write(text) });
  await server.closed;
} catch (error) {
  process.stderr.write(
    `iamroll api: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
