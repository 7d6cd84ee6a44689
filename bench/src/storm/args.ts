import { parseArgs } from 'node:util';

export interface StormArgs {
  readonly isJson: boolean;
  /** Physical connections needed at once across the fleet. */
  readonly connections: number;
  /** The instance's IAM authentication budget per second (the simulator enforces it). */
  readonly budgetPerSecond: number;
  /** Connections per nginx worker pool (Kong opens them per worker). */
  readonly perWorker: number;
  /** How long a peer may take before unestablished connections count as failed. */
  readonly deadlineSeconds: number;
  /** Only these peers (default: all). */
  readonly peers: readonly string[] | undefined;
}

const USAGE =
  'usage: npm run bench -- storm [--json] [--connections N] [--budget B] [--per-worker K] [--deadline-s S] [--peer NAME]...';

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"\n${USAGE}`);
  return n;
}

export function parseStormArgs(argv: readonly string[]): StormArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean', default: false },
      connections: { type: 'string' },
      budget: { type: 'string' },
      'per-worker': { type: 'string' },
      'deadline-s': { type: 'string' },
      peer: { type: 'string', multiple: true },
    },
    strict: true,
  });
  return {
    isJson: values.json,
    // 50 Kong nodes × 4 nginx workers × 5 connections, all restarted at once.
    connections: positive('connections', values.connections, 1000),
    budgetPerSecond: positive('budget', values.budget, 200),
    perWorker: positive('per-worker', values['per-worker'], 5),
    deadlineSeconds: positive('deadline-s', values['deadline-s'], 60),
    peers: values.peer,
  };
}
