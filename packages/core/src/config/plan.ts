import { envVarName } from './defaults';
import { effectiveConfig, iamApplicability, type EffectiveConfig } from './effective';
import { lintKongConf, type LintFinding } from './lint/index';
import { describeKey, loadKongConf, resolved, valueOf, type LoadInput, type LoadedConf } from './load';
import { kongBoolean } from './lua';
import { effectiveEntries } from './parse';
import { renderConf, type ConfEdit } from './render';
import { applyEnvEdits } from './render-env';
import { blocker, decide, optionError, userBlockers, type Desired } from './plan-users';

// The stages of a node's move from passwords to IAM, and the exact edits between them.
// The Amazon RDS fact that shapes every plan: a user granted rds_iam can log in ONLY with
// an IAM token. So IAM means a dedicated IAM user (pg_user = <user>_iam), while the
// password user and pg_password stay untouched: rolling back is switching pg_user back
// and IAM off. Conflicts the operator must resolve (mTLS certificates, an IP as host…)
// are reported as blockers, never silently edited away.

export type IamStage = 'password' | 'ro_iam' | 'rw_iam';

export const IAM_STAGES: readonly IamStage[] = ['password', 'ro_iam', 'rw_iam'];

/**
 * Where a node is. `rw_iam_ro_password` is where Kong's docs lead: pg_iam_auth on with a
 * separate read-only connection that, since pg_ro_iam_auth does not inherit, still uses a password.
 */
export type CurrentIamStage = IamStage | 'rw_iam_ro_password';

export interface StagePlanOptions {
  /** The IAM-enabled database user (default: `<current user>_iam`). */
  readonly iamUser?: string;
  /** The password user to return to when leaving IAM (default: the current user when it is not on IAM). */
  readonly passwordUser?: string;
  /** Where the edits go: kong.conf (default) or Kong's environment (KONG_* variables). */
  readonly target?: 'conf' | 'env';
}

export interface StagePlan {
  readonly from: CurrentIamStage;
  readonly to: IamStage;
  readonly edits: readonly ConfEdit[];
  /** The edits that restore the original effective configuration (rollback). */
  readonly reverse: readonly ConfEdit[];
  /** Error findings in the resulting configuration (Kong would refuse or fail): resolve first. */
  readonly blockers: readonly LintFinding[];
  readonly notes: readonly string[];
  /** Set when the stage cannot be planned at all; edits are then empty. */
  readonly error: string | null;
}

export function currentStage(effective: EffectiveConfig): CurrentIamStage {
  const { rw, ro } = effective;
  if (!rw.iam) return ro?.iam === true ? 'ro_iam' : 'password';
  return ro !== null && !ro.iam ? 'rw_iam_ro_password' : 'rw_iam';
}

/** The minimal edits that give the desired stage, given how Kong resolves pg_ro_user. */
function editsFor(conf: LoadedConf, desired: Desired, hasReadOnly: boolean): ConfEdit[] {
  const edits: ConfEdit[] = [];
  const setBool = (key: string, on: boolean): void => {
    if (kongBoolean(valueOf(conf, key)) !== on) edits.push({ op: 'set', key, value: on ? 'on' : 'off' });
  };
  if (desired.rwUser !== null && valueOf(conf, 'pg_user') !== desired.rwUser)
    edits.push({ op: 'set', key: 'pg_user', value: desired.rwUser });
  setBool('pg_iam_auth', desired.rwIam);
  if (hasReadOnly && desired.roUser !== null) {
    const roUserAfter = valueOf(conf, 'pg_ro_user') ?? desired.rwUser ?? valueOf(conf, 'pg_user');
    if (roUserAfter !== desired.roUser) edits.push({ op: 'set', key: 'pg_ro_user', value: desired.roUser });
  }
  // Also turns off a pg_ro_iam_auth left on without pg_ro_host (it still triggers Kong's mTLS check).
  if (hasReadOnly || !desired.roIam) setBool('pg_ro_iam_auth', desired.roIam);
  return edits;
}

function reverseEdits(
  conf: LoadedConf,
  edits: readonly ConfEdit[],
  target: 'conf' | 'env',
  originalEnv: Readonly<Record<string, string | undefined>>,
): ConfEdit[] {
  const fileEntries = effectiveEntries(conf.parsed);
  return [...edits].reverse().map((edit): ConfEdit => {
    const original = target === 'conf' ? fileEntries.get(edit.key)?.value : originalEnv[envVarName(edit.key)];
    return original === undefined ? { op: 'unset', key: edit.key } : { op: 'set', key: edit.key, value: original };
  });
}

/** Kong's environment as one layer: the env file (what Kong really gets) over the process env. */
function mergedEnv(input: LoadInput, conf: LoadedConf): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...input.env };
  for (const entry of conf.envFile?.entries.values() ?? []) env[entry.name] = entry.value;
  return env;
}

function envOverrideBlockers(conf: LoadedConf, edits: readonly ConfEdit[]): LintFinding[] {
  return edits
    .filter(
      (edit) => resolved(conf, edit.key).source !== 'default' && !resolved(conf, edit.key).source.startsWith('file'),
    )
    .map((edit) =>
      blocker(
        'plan-env-override',
        edit.key,
        `${describeKey(conf, edit.key)} overrides kong.conf, so editing ${edit.key} in kong.conf would change nothing.`,
        `Apply the plan to the environment instead (--format env), or remove ${envVarName(edit.key)} from Kong's environment.`,
      ),
    );
}

function stageNotes(conf: LoadedConf, before: EffectiveConfig, to: IamStage, desired: Desired): string[] {
  const notes: string[] = [];
  const newIamUsers = [
    ...new Set([
      desired.rwIam && !before.rw.iam ? desired.rwUser : null,
      desired.roIam && before.ro?.iam !== true ? desired.roUser : null,
    ]),
  ].filter((user): user is string => user !== null);
  const passwordUser = before.rw.iam ? null : before.rw.user;
  for (const user of newIamUsers) {
    notes.push(
      `Before applying: create ${user} and grant it rds_iam and Kong's privileges (iamroll policy --user ${user} prints the IAM policy and SQL).${passwordUser !== null ? ` Do not grant rds_iam to ${passwordUser}: a member of rds_iam can only log in with IAM, and rollback needs its password login.` : ''}`,
    );
  }
  if (to !== 'password' && valueOf(conf, 'pg_password') !== null) {
    notes.push(
      'pg_password stays: Kong ignores it while IAM is on (the token replaces it), and rolling back needs it.',
    );
  }
  if (to === 'ro_iam')
    notes.push(
      `Only reads through pg_ro_host (${before.ro?.host ?? ''}) move to IAM; writes and migrations keep using ${desired.rwUser ?? 'pg_user'} with its password.`,
    );
  if (to === 'rw_iam' && before.ro !== null)
    notes.push(
      'pg_ro_iam_auth is set explicitly: Kong does not carry pg_iam_auth over to the read-only connection, whatever its docs say.',
    );
  if (to === 'rw_iam')
    notes.push('Run kong migrations with this same configuration: they connect as the IAM user too.');
  return notes;
}

/** Plans the edits that move a node to `to`; never throws for expected problems. */
export function planStage(input: LoadInput, to: IamStage, options: StagePlanOptions = {}): StagePlan {
  const conf = loadKongConf(input);
  const before = effectiveConfig(conf);
  const from = currentStage(before);
  const target = options.target ?? 'conf';
  const failed = (error: string): StagePlan => ({ from, to, edits: [], reverse: [], blockers: [], notes: [], error });

  const applicability = iamApplicability(conf);
  if (!applicability.isApplicable) return failed(`IAM does not apply to this node: ${applicability.reason ?? ''}.`);
  const badOption = optionError(options);
  if (badOption !== null) return failed(badOption);
  if (to === 'ro_iam' && before.ro === null) {
    return failed(
      'Stage ro_iam moves the read-only connection to IAM, but pg_ro_host is not set: Kong opens no separate read-only connection, every query goes through pg_host. Set pg_ro_host to a reader endpoint first, or plan --to rw_iam to move the only connection.',
    );
  }

  const decision = decide(before, valueOf(conf, 'pg_ro_user') !== null, to, options);
  const edits = editsFor(conf, decision.desired, before.ro !== null);
  const env = mergedEnv(input, conf);
  const reverse = reverseEdits(conf, edits, target, env);
  const after =
    target === 'conf'
      ? loadKongConf({ confText: renderConf(input.confText, edits), env: input.env, envFileText: input.envFileText })
      : loadKongConf({ confText: input.confText, env: applyEnvEdits(env, edits) });
  const afterFindings = lintKongConf(after);
  const blockers = [
    ...userBlockers(before, decision.desired),
    ...decision.blockers,
    ...(target === 'conf' ? envOverrideBlockers(conf, edits) : []),
    ...afterFindings.filter((finding) => finding.severity === 'error'),
  ];
  // Only warnings this change introduces: the others are the node's business already.
  const existing = new Set(lintKongConf(conf).map((finding) => `${finding.rule}:${finding.key}`));
  // iam-password-ignored is deliberate here: the password stays for rollback (see the note).
  const warnings = afterFindings.filter(
    (finding) =>
      finding.severity === 'warning' &&
      finding.rule !== 'iam-password-ignored' &&
      !existing.has(`${finding.rule}:${finding.key}`),
  );
  const notes = [
    ...(edits.length === 0 ? [`Already at ${to}: nothing to change.`] : []),
    ...decision.notes,
    ...stageNotes(conf, before, to, decision.desired),
    ...warnings.map((finding) => `New warning after this change, ${finding.rule}: ${finding.message}`),
  ];
  return { from, to, edits, reverse, blockers, notes, error: null };
}
