// The API's public surface for the CLI (and e2e tooling).
export { API_VERSION, buildApp, type AppConfig, type AppDeps } from './app';
export { ConfigError, EnvSchema, loadConfig, type Config } from './config';
export { defaultLogFile, startServer, type RunningServer, type ServerOptions } from './server';
export { SandboxNotFound, type SandboxControls } from './modules/sandbox/sandbox-controls';
