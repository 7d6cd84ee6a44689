import type { NodeStage } from '@iamroll/contracts';
import { currentStage, effectiveConfig, loadKongConf, planStage, type ConfEdit } from '@iamroll/core/config';
import type { NodeFiles } from '../appliers/applier';
import { sha256 } from '../files/atomic-file';
import type { AgentState } from './agent-state';

export type TargetText = { readonly text: string } | { readonly error: string };

/** The node's stage as the contract names it (Kong's docs' half-way state counts as rw_iam: config.ro.iam tells the rest). */
export async function stageOfText(files: NodeFiles, text: string): Promise<NodeStage> {
  const stage = currentStage(effectiveConfig(loadKongConf(await files.input(text))));
  return stage === 'rw_iam_ro_password' ? 'rw_iam' : stage;
}

/** Kong's docs' half-way state: read-write on IAM, read-only (pg_ro_host) still on its password. */
export async function isMixedText(files: NodeFiles, text: string): Promise<boolean> {
  return currentStage(effectiveConfig(loadKongConf(await files.input(text)))) === 'rw_iam_ro_password';
}

/**
 * The exact text the edited file must hold for stage `to`. While the file is what iamroll
 * last wrote (or still the original), every stage is planned from the ORIGINAL file, so the
 * result does not depend on the path taken and returning to the original stage gives the
 * original bytes back. A file edited by someone else since is planned from as it is, with
 * the original password user to return to.
 */
export async function planTarget(
  files: NodeFiles,
  state: AgentState,
  original: string | undefined,
  current: string,
  to: NodeStage,
): Promise<TargetText> {
  const currentSha = sha256(current);
  const isOurs =
    original !== undefined && (currentSha === state.lastWrittenSha256 || currentSha === state.originalSha256);
  const base = isOurs ? original : current;
  // A mixed original counts as rw_iam in the contract's stages, but rw_iam means both connections on IAM.
  if (isOurs && to === state.originalStage && !(await isMixedText(files, original))) return { text: original };
  const plan = planStage(await files.input(base), to, {
    target: files.target,
    ...(!isOurs && state.originalUser !== null && state.originalStage === 'password'
      ? { passwordUser: state.originalUser }
      : {}),
  });
  if (plan.error !== null) return { error: plan.error };
  if (plan.blockers.length > 0) {
    const first = plan.blockers[0];
    return {
      error:
        `the plan to ${to} is blocked (${plan.blockers.map((b) => b.rule).join(', ')}): ${first?.message ?? ''} ${first?.fix ?? ''}`.trim(),
    };
  }
  return { text: files.render(base, plan.edits) };
}

/** Finalize: the password keys go (Kong ignores them while IAM is on; a rollback restores them from the backup). */
export async function finalizeTarget(files: NodeFiles, current: string): Promise<TargetText> {
  const effective = effectiveConfig(loadKongConf(await files.input(current)));
  if (!effective.rw.iam || (effective.ro !== null && !effective.ro.iam))
    return { error: 'finalize needs every connection on IAM first: a password connection would lose its password' };
  const edits: ConfEdit[] = [
    { op: 'unset', key: 'pg_password' },
    { op: 'unset', key: 'pg_ro_password' },
  ];
  return { text: files.render(current, edits) };
}
