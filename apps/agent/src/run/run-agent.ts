import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import type { NodeLabels } from '@iamroll/contracts';
import { createIamTokenProvider, type TokenProvider } from '@iamroll/core/token';
import { Agent } from '../agent';
import { createCommandApplier } from '../appliers/command-applier';
import { envFileFiles, kongConfFiles } from '../appliers/node-files';
import { noCounters, type CountersSource } from '../counters/counters-source';
import { DbSampler } from '../counters/db-sampler';
import { createProbeLogin } from '../health/probe-login';
import { monitorConnector } from './monitor-connection';

/** `iamroll agent` flags, as commander gives them. */
export interface AgentFlags {
  readonly controller: string;
  readonly kongConf: string;
  readonly enrollmentTokenFile?: string;
  readonly envFile?: string;
  readonly restartCmd?: string;
  readonly healthCmd?: string;
  readonly stateDir: string;
  readonly label: readonly string[];
  readonly hostname?: string;
  readonly kongVersion?: string;
  readonly ca?: string;
  readonly counters: 'db' | 'none';
  readonly nodeAddress: readonly string[];
  readonly intervalMs: number;
}

const LABEL = /^([A-Za-z0-9][A-Za-z0-9._/-]{0,62})=(.{0,255})$/s;

/** `k=v` pairs; every bad one is reported at once. */
export function parseLabels(pairs: readonly string[]): NodeLabels {
  const labels: Record<string, string> = {};
  const bad = pairs.filter((pair) => {
    const match = LABEL.exec(pair);
    if (match?.[1] === undefined || match[2] === undefined) return true;
    labels[match[1]] = match[2];
    return false;
  });
  if (bad.length > 0)
    throw new Error(`--label wants key=value (key: letters, digits, . _ / -, ≤ 63): ${bad.join(', ')}`);
  return labels;
}

/** `kong version` says e.g. "Kong Enterprise 3.9.1.0"; 'unknown' when it cannot run. */
function detectKongVersion(): Promise<string> {
  return new Promise((resolve) => {
    execFile('kong', ['version'], { timeout: 10_000 }, (error, stdout) => {
      const version = stdout.trim().split(/\s+/).at(-1);
      resolve(!error && version ? version.slice(0, 64) : 'unknown');
    });
  });
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((info) => (info ? [info.address] : []));
}

/** Builds the agent a real Kong node needs from the flags and starts it; resolves to a stopper. */
export async function runAgent(
  flags: AgentFlags,
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<{ agent: Agent; stop: () => Promise<void> }> {
  const files = flags.envFile ? envFileFiles(flags.envFile, flags.kongConf) : kongConfFiles(flags.kongConf);
  let tokenProvider: TokenProvider | undefined;
  const tokens = (): TokenProvider => (tokenProvider ??= createIamTokenProvider());
  const caPem = flags.ca ? await readFile(flags.ca, 'utf8') : undefined;
  let counters: CountersSource = noCounters;
  if (flags.counters === 'db') {
    const input = await files.input(await readFile(files.edited, 'utf8'));
    const monitor = { tokenProvider: tokens, ...(flags.ca ? { caFile: flags.ca } : {}) };
    const rw = monitorConnector(input, 'rw', monitor);
    const ro = monitorConnector(input, 'ro', monitor);
    if (rw) {
      const sampler = new DbSampler({
        connect: { rw, ...(ro ? { ro } : {}) },
        filter: { clientAddresses: flags.nodeAddress.length > 0 ? flags.nodeAddress : localAddresses() },
        log,
      });
      sampler.start();
      counters = sampler;
    }
  }
  const agent = new Agent({
    controllerUrl: flags.controller,
    stateDir: flags.stateDir,
    files,
    applier: createCommandApplier({
      restartCommand: flags.restartCmd ?? `kong restart -c ${JSON.stringify(flags.kongConf)}`,
      ...(flags.healthCmd ? { healthCommand: flags.healthCmd } : {}),
    }),
    counters,
    enrollmentToken: async () => {
      if (flags.enrollmentTokenFile) return (await readFile(flags.enrollmentTokenFile, 'utf8')).trim();
      return env.IAMROLL_ENROLLMENT_TOKEN?.trim() || undefined;
    },
    hostname: flags.hostname ?? osHostname(),
    kongVersion: flags.kongVersion ?? (await detectKongVersion()),
    labels: parseLabels(flags.label),
    probeLogin: createProbeLogin({ tokenProvider: tokens(), ...(caPem ? { caPem } : {}) }),
    // Kong's AWS credentials come from the environment this agent shares with it (or Kong's env file).
    preflight: { processEnv: env },
    intervalMs: flags.intervalMs,
    log,
  });
  await agent.start();
  return { agent, stop: () => agent.stop() };
}
