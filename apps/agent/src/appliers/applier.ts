import type { ConfEdit, LoadInput } from '@iamroll/core/config';

/**
 * The seam between the stage machine and a gateway: how Kong is made to read its
 * configuration again, and how to tell it is healthy afterwards. Implementations:
 * a real node's restart/health commands (command-applier.ts) and a simulated node
 * (simulated/simulated-applier.ts). Both reject with an Error whose message is the
 * reason the controller will see (never a secret).
 */
export interface Applier {
  /** Makes Kong read the file again (kong restart, kong reload, a container restart…). */
  restart(): Promise<void>;
  /** Kong's own health after a restart (the health command; a simulated node's check). */
  checkHealth(): Promise<void>;
}

/**
 * The file a stage edits and how Kong reads it. `conf`: kong.conf itself. `env`: the
 * environment file Kong starts with (systemd EnvironmentFile, docker --env-file), whose
 * KONG_* variables beat kong.conf; kong.conf is then only read.
 */
export interface NodeFiles {
  readonly edited: string;
  readonly target: 'conf' | 'env';
  /** The planner's input when the edited file holds `editedText`. */
  input(editedText: string): Promise<LoadInput>;
  /** The edited file's text after the edits. */
  render(editedText: string, edits: readonly ConfEdit[]): string;
}
