import { readFile } from 'node:fs/promises';
import type { PreflightResult, PreflightStage } from '@iamroll/contracts';
import type { PreflightEndpoint, TargetInput } from '@iamroll/core/preflight';
import type { AwsCredentialIdentity } from '@iamroll/core/token';
import type { NodeFiles } from '../appliers/applier';
import type { StageMachine } from '../stage/stage-machine';

/** How this node's preflight reaches AWS and the databases (what `iamroll agent` and simulated nodes differ in). */
export interface NodePreflightOptions {
  /**
   * The environment Kong's AWS credentials come from: the agent's own (it runs beside Kong, with
   * the same role); the env file's variables win over it. KONG_* names are ignored here: Kong's
   * settings come from the node's files only, as for every stage the agent plans.
   */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  /** Per endpoint host: an address to dial instead and the CA there (the probe login's logic). */
  readonly endpointFor?: (host: string) => PreflightEndpoint | undefined;
  /** Credentials given instead of the default chain (simulated nodes), with words for the message. */
  readonly credentials?: { readonly identity: AwsCredentialIdentity; readonly description: string };
  readonly timeoutMs?: number;
}

export type PreflightRun = (stage: PreflightStage) => Promise<PreflightResult>;

/**
 * Loads the preflight's heavy modules ahead of the first request (the agent calls it once it
 * runs): a rollout's canary waits for its verdict, and the first load took seconds of it.
 */
export async function warmUpPreflight(): Promise<void> {
  await import('@iamroll/core/preflight').catch(() => undefined);
}

function withoutKongNames(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.toUpperCase().startsWith('KONG_')));
}

/**
 * Preflight of this node for a stage: the target configuration is exactly what the stage
 * machine would write (planned from the original file, like a switch), checked with the
 * core's runPreflight. Nothing is written; heavy modules load on the first run.
 */
export function createNodePreflight(
  files: NodeFiles,
  machine: StageMachine,
  options: NodePreflightOptions,
): PreflightRun {
  return async (stage) => {
    const { runPreflight } = await import('@iamroll/core/preflight');
    const current = await files.input(await readFile(files.edited, 'utf8'));
    const planned = await machine.planText(stage);
    let targetInput: TargetInput;
    if ('error' in planned) targetInput = { error: planned.error };
    else {
      const target = await files.input(planned.text);
      targetInput = {
        confText: target.confText,
        ...(target.envFileText === undefined ? {} : { envFileText: target.envFileText }),
      };
    }
    const confPath = files.target === 'conf' ? files.edited : undefined;
    return runPreflight({
      kongConf: { text: current.confText, ...(confPath ? { path: confPath } : {}) },
      ...(current.envFileText === undefined ? {} : { envFile: { text: current.envFileText } }),
      processEnv: withoutKongNames(options.processEnv),
      to: stage,
      targetInput,
      ...(options.endpointFor ? { endpointFor: options.endpointFor } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      now: Date.now,
    });
  };
}
