import {
  effectiveConfig,
  iamApplicability,
  lintKongConf,
  loadKongConf,
  planStage,
  valueOf,
  type ConnectionName,
  type ConnectionSettings,
  type LintFinding,
  type LoadedConf,
  type LoadInput,
} from '../config/index';
import { renderConf } from '../config/render';
import { applyEnvEdits } from '../config/render-env';
import type { PreflightStage, TargetInput } from './types';

// Preflight proves the configuration the node WILL run after the switch, not the one it runs
// now: the planner's edits applied in memory (nothing is written), then loaded exactly as Kong
// loads it. A node already at the stage is checked as it is.

export interface TargetConnection {
  readonly which: ConnectionName;
  readonly label: 'read-write' | 'read-only';
  readonly settings: ConnectionSettings;
  /** pg_schema / pg_ro_schema (inherits pg_schema); Kong's default is public. */
  readonly schema: string;
}

export type TargetConfig =
  | {
      readonly ok: true;
      readonly conf: LoadedConf;
      readonly env: Readonly<Record<string, string | undefined>>;
      /** The connections the stage puts on IAM, read-write first. */
      readonly connections: readonly TargetConnection[];
      /** Lint errors of the target config and planner blockers, each with its fix. */
      readonly errors: readonly LintFinding[];
    }
  | { readonly ok: false; readonly isApplicable: boolean; readonly reason: string };

/** Kong's environment as one layer: the env file (what Kong really gets) over the process env. */
export function kongEnvironment(
  processEnv: Readonly<Record<string, string | undefined>>,
  envFileText: string | undefined,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...processEnv };
  if (envFileText === undefined) return env;
  for (const entry of loadKongConf({ confText: '', envFileText }).envFile?.entries.values() ?? [])
    env[entry.name] = entry.value;
  return env;
}

function targetInput(input: LoadInput, to: PreflightStage): { input: LoadInput; blockers: LintFinding[] } | string {
  const plan = planStage(input, to, { target: input.envFileText === undefined ? 'conf' : 'env' });
  if (plan.error !== null) return plan.error;
  const blockers = plan.blockers.filter((finding) => finding.rule.startsWith('plan-'));
  if (input.envFileText === undefined)
    return { input: { ...input, confText: renderConf(input.confText, plan.edits) }, blockers };
  // Edits go to Kong's environment: render them into the env layer the planner read.
  const env = kongEnvironment(input.env ?? {}, input.envFileText);
  return { input: { confText: input.confText, env: applyEnvEdits(env, plan.edits) }, blockers };
}

export function targetConfig(input: LoadInput, to: PreflightStage, planned?: TargetInput): TargetConfig {
  const current = loadKongConf(input);
  const applicability = iamApplicability(current);
  if (!applicability.isApplicable) return { ok: false, isApplicable: false, reason: applicability.reason ?? '' };
  let target: LoadInput;
  let blockers: LintFinding[] = [];
  if (planned && 'error' in planned) return { ok: false, isApplicable: true, reason: planned.error };
  if (planned) {
    target = {
      confText: planned.confText,
      env: input.env,
      ...(planned.envFileText === undefined ? {} : { envFileText: planned.envFileText }),
    };
  } else {
    const result = targetInput(input, to);
    if (typeof result === 'string') return { ok: false, isApplicable: true, reason: result };
    ({ input: target, blockers } = result);
  }
  const conf = loadKongConf(target);
  const effective = effectiveConfig(conf);
  const rwSchema = valueOf(conf, 'pg_schema') ?? 'public';
  const connections: TargetConnection[] = [];
  if (to === 'rw_iam' && effective.rw.iam)
    connections.push({ which: 'rw', label: 'read-write', settings: effective.rw, schema: rwSchema });
  if (effective.ro?.iam)
    connections.push({
      which: 'ro',
      label: 'read-only',
      settings: effective.ro,
      schema: valueOf(conf, 'pg_ro_schema') ?? rwSchema,
    });
  const errors = [...blockers, ...lintKongConf(conf).filter((finding) => finding.severity === 'error')];
  return { ok: true, conf, env: kongEnvironment(target.env ?? {}, target.envFileText), connections, errors };
}
