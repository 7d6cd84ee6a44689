import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { NodeStage, TransitionReport } from '@iamroll/contracts';
import { effectiveConfig, loadKongConf, type LoadInput } from '@iamroll/core/config';
import { redactSecrets } from '@iamroll/core/token';
import type { Applier, NodeFiles } from '../appliers/applier';
import { readIfExists, replaceFileKeepingMode, sha256, writeFileAtomic } from '../files/atomic-file';
import type { StateDir } from '../files/state-dir';
import { readAgentState, writeAgentState, type AgentState } from './agent-state';
import { clearJournal, readJournal, writeJournal, type Journal, type JournalStep } from './journal';
import { finalizeTarget, isMixedText, planTarget, stageOfText, type TargetText } from './plan-target';

// Applying a stage, as a journaled state machine (journal.ts holds the file format):
//
//   backed-up  backups/before = the file now, backups/next = the planned file (both 0600,
//              fsynced; on the first switch also backups/original), then the journal.
//   written    the file replaced atomically by backups/next.
//   restarted  the applier's restart finished (Kong has read the new file).
//   verified   the applier's health check and the probe login passed → state recorded, done.
//   on a failure after `written`:
//   restoring  → the file replaced by backups/before (byte-identical) → restored
//   restored   → restart again (Kong must drop the new settings) → reverted → failure recorded.
//
// On start, a journal left behind means the agent died mid-way. Before the restart
// (backed-up, written) the switch is undone: the file is restored and, if Kong may have
// read it (written), restarted. After the restart (restarted, verified) it is finished:
// the health check runs (and may still undo). An undo in progress is completed. A file that
// is neither the before nor the after bytes was edited by someone else: left alone, backup kept.

export interface StageMachineOptions {
  readonly stateDir: StateDir;
  readonly files: NodeFiles;
  readonly applier: Applier;
  /** Logs in as Kong will with the new file (IAM connections, through the core pool); rejects with the reason. */
  readonly probeLogin?: (input: LoadInput) => Promise<void>;
  readonly log?: (line: string) => void;
  /** Tests: runs after each journal write; a throw aborts the machine like a crash (nothing is undone). */
  readonly onStep?: (step: JournalStep, kind: Journal['kind']) => void | Promise<void>;
  readonly now?: () => Date;
}

export interface ApplyResult {
  readonly outcome: 'completed' | 'failed' | 'unchanged';
  readonly reason?: string;
}

const FORWARD: ReadonlySet<JournalStep> = new Set(['backed-up', 'written', 'restarted', 'verified']);

function reasonOf(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error)).slice(0, 400);
}

export class StageMachine {
  #state: AgentState | undefined;
  #journal: Journal | undefined;
  #busy: Promise<unknown> = Promise.resolve();
  readonly #log: (line: string) => void;
  readonly #now: () => Date;

  constructor(private readonly options: StageMachineOptions) {
    this.#log = options.log ?? (() => undefined);
    this.#now = options.now ?? (() => new Date());
  }

  /** Loads the state and finishes or undoes whatever a previous run left in the journal. */
  async open(): Promise<ApplyResult | undefined> {
    await this.options.stateDir.ensure();
    this.#state = await readAgentState(this.options.stateDir.state);
    const journal = await readJournal(this.options.stateDir.journal);
    if (!journal) return undefined;
    this.#journal = journal;
    this.#log(`found an unfinished ${journal.kind} to ${journal.to} at step ${journal.step}: recovering`);
    return this.#serial(() => this.#recover(journal), true);
  }

  get state(): AgentState {
    if (!this.#state) throw new Error('StageMachine.open() first');
    return this.#state;
  }

  get isBusy(): boolean {
    return this.#journal !== undefined;
  }

  /** The stage the edited file is on now. */
  async currentStage(): Promise<NodeStage> {
    return stageOfText(this.options.files, await readFile(this.options.files.edited, 'utf8'));
  }

  /** The exact text `apply(to)` would write to the edited file now, or why it cannot; nothing is written. */
  async planText(to: NodeStage): Promise<TargetText> {
    const current = await readFile(this.options.files.edited, 'utf8');
    const original = (await readIfExists(this.options.stateDir.original))?.toString('utf8');
    return planTarget(this.options.files, this.state, original, current, to);
  }

  /** The edited file is mixed: rw on IAM, ro on its password (its stage reads rw_iam). */
  async isMixed(): Promise<boolean> {
    return isMixedText(this.options.files, await readFile(this.options.files.edited, 'utf8'));
  }

  /**
   * Puts back the byte-identical original, backed up before the first switch (the controller's
   * `restore: "original"`, a rollback of a node that started mixed). A no-op without a backup
   * or when the file already is the original; journaled, restarted and undone on failure like a switch.
   */
  restoreOriginal(): Promise<ApplyResult> {
    return this.#serial(async () => {
      const original = (await readIfExists(this.options.stateDir.original))?.toString('utf8');
      if (original === undefined || this.state.originalStage === null) return { outcome: 'unchanged' };
      const current = await readFile(this.options.files.edited, 'utf8');
      return this.#begin('switch', current, this.state.originalStage, { text: original });
    });
  }

  /** Moves the node to `to` (a no-op when the file already holds what the plan gives). */
  apply(to: NodeStage): Promise<ApplyResult> {
    return this.#serial(async () => {
      const current = await readFile(this.options.files.edited, 'utf8');
      const original = (await readIfExists(this.options.stateDir.original))?.toString('utf8');
      const target = await planTarget(this.options.files, this.state, original, current, to);
      return this.#begin('switch', current, to, target);
    });
  }

  /** Removes the password keys (no restart: Kong ignores them on IAM; the next restart reads the file without them). */
  finalize(): Promise<ApplyResult> {
    return this.#serial(async () => {
      if (this.state.isPasswordRemoved) return { outcome: 'unchanged' };
      const current = await readFile(this.options.files.edited, 'utf8');
      return this.#begin('finalize', current, 'rw_iam', await finalizeTarget(this.options.files, current));
    });
  }

  /** The controller says no rollback can need the backups: delete them (only on IAM, with no switch in progress). */
  deleteBackups(): Promise<ApplyResult> {
    return this.#serial(async () => {
      if (this.state.originalSha256 === null) return { outcome: 'unchanged' };
      if ((await this.currentStage()) !== 'rw_iam')
        return { outcome: 'failed', reason: 'backups are kept: the node is not on rw_iam' };
      const dir = this.options.stateDir;
      for (const path of [dir.original, dir.before, dir.next]) await rm(path, { force: true });
      await this.#saveState({ ...this.state, originalSha256: null, originalStage: null });
      this.#log('backups deleted: the controller reports the node finalized');
      return { outcome: 'completed' };
    });
  }

  /** For the heartbeat: where the machine is, with no secret in it. */
  report(): TransitionReport {
    const state = this.state;
    const journal = this.#journal;
    const base = {
      failedSwitches: state.failedSwitches,
      completedSwitches: state.completedSwitches,
      isPasswordRemoved: state.isPasswordRemoved,
      hasBackup: state.originalSha256 !== null,
    };
    if (journal) {
      return {
        ...base,
        status: FORWARD.has(journal.step) ? 'switching' : 'reverting',
        toStage: journal.to,
        step: journal.step,
        ...(journal.reason ? { reason: journal.reason } : {}),
      };
    }
    const last = state.lastResult;
    if (last?.outcome === 'failed')
      return { ...base, status: 'failed', toStage: last.toStage, ...(last.reason ? { reason: last.reason } : {}) };
    return { ...base, status: 'idle', toStage: last?.toStage ?? null };
  }

  #serial<T>(run: () => Promise<T>, isRecovery = false): Promise<T> {
    if (this.#journal && !isRecovery) {
      // Only after a crash simulated in-process: the journal is finished by the next open().
      return Promise.reject(
        new Error(`a ${this.#journal.kind} is unfinished (step ${this.#journal.step}): restart the agent`),
      );
    }
    const next = this.#busy.then(run, run);
    this.#busy = next.catch(() => undefined);
    return next;
  }

  async #begin(kind: Journal['kind'], current: string, to: NodeStage, target: TargetText): Promise<ApplyResult> {
    const dir = this.options.stateDir;
    const from = await stageOfText(this.options.files, current);
    if ('error' in target) {
      // Nothing was touched; the controller still learns why the node did not move.
      await this.#record(randomUUID(), to, 'failed', target.error);
      return { outcome: 'failed', reason: target.error };
    }
    if (target.text === current) return { outcome: 'unchanged' };
    if (this.state.originalSha256 === null) {
      await writeFileAtomic(dir.original, current);
      const input = await this.options.files.input(current);
      await this.#saveState({
        ...this.state,
        originalSha256: sha256(current),
        originalStage: from,
        originalUser: effectiveConfig(loadKongConf(input)).rw.user,
      });
    }
    await writeFileAtomic(dir.before, current);
    await writeFileAtomic(dir.next, target.text);
    const journal: Journal = {
      version: 1,
      kind,
      id: randomUUID(),
      from,
      to,
      file: this.options.files.edited,
      beforeSha256: sha256(current),
      afterSha256: sha256(target.text),
      startedAt: this.#now().toISOString(),
      step: 'backed-up',
    };
    this.#log(`${kind} ${from} → ${to}: backed up`);
    await this.#advance(journal);
    return this.#drive(journal);
  }

  async #recover(journal: Journal): Promise<ApplyResult> {
    const file = await readIfExists(journal.file);
    const fileSha = file ? sha256(file) : null;
    if (FORWARD.has(journal.step) && fileSha !== journal.beforeSha256 && fileSha !== journal.afterSha256) {
      const reason = `${journal.file} was changed by someone else during the ${journal.kind}: left as it is (the file before the switch is kept in ${this.options.stateDir.before})`;
      await this.#finish(journal, 'failed', reason, false);
      return { outcome: 'failed', reason };
    }
    if (journal.step === 'backed-up' || journal.step === 'written') {
      return this.#drive(
        await this.#advance({
          ...journal,
          step: 'restoring',
          reason: `the agent stopped during the ${journal.kind} (after step ${journal.step}): undone`,
          needsRestart: journal.step === 'written' && journal.kind === 'switch',
        }),
      );
    }
    return this.#drive(journal);
  }

  /** Runs the journal forward from its step until the operation ends. */
  async #drive(start: Journal): Promise<ApplyResult> {
    const { applier, files, stateDir } = this.options;
    let journal = start;
    const undo = (reason: string): Promise<Journal> =>
      this.#advance({ ...journal, step: 'restoring', reason, needsRestart: true });
    for (;;) {
      switch (journal.step) {
        case 'backed-up':
          await replaceFileKeepingMode(journal.file, await readFile(stateDir.next));
          journal = await this.#advance({ ...journal, step: 'written' });
          break;
        case 'written': {
          if (journal.kind === 'finalize') {
            journal = await this.#advance({ ...journal, step: 'verified' });
            break;
          }
          const failure = await attempt(() => applier.restart());
          journal = failure
            ? await undo(`restart failed: ${failure}`)
            : await this.#advance({ ...journal, step: 'restarted' });
          break;
        }
        case 'restarted': {
          const failure = await attempt(async () => {
            await applier.checkHealth();
            const probe = this.options.probeLogin;
            if (probe) await probe(await files.input(await readFile(journal.file, 'utf8')));
          });
          journal = failure
            ? await undo(`health check failed: ${failure}`)
            : await this.#advance({ ...journal, step: 'verified' });
          break;
        }
        case 'verified':
          await this.#finish(journal, 'completed', undefined, true);
          this.#log(`${journal.kind} to ${journal.to}: completed`);
          return { outcome: 'completed' };
        case 'restoring': {
          const before = await readFile(stateDir.before);
          const now = await readIfExists(journal.file);
          if (!now || sha256(now) !== journal.beforeSha256) await replaceFileKeepingMode(journal.file, before);
          journal = await this.#advance({ ...journal, step: 'restored' });
          break;
        }
        case 'restored': {
          const failure = journal.needsRestart ? await attempt(() => applier.restart()) : undefined;
          journal = await this.#advance({
            ...journal,
            step: 'reverted',
            ...(failure
              ? { reason: `${journal.reason ?? ''}; the restart after restoring failed too: ${failure}` }
              : {}),
          });
          break;
        }
        case 'reverted': {
          const reason = journal.reason ?? 'reverted';
          await this.#finish(journal, 'failed', reason, true);
          this.#log(`${journal.kind} to ${journal.to} failed and was undone: ${reason}`);
          return { outcome: 'failed', reason };
        }
      }
    }
  }

  async #advance(journal: Journal): Promise<Journal> {
    await writeJournal(this.options.stateDir.journal, journal);
    this.#journal = journal;
    await this.options.onStep?.(journal.step, journal.kind);
    return journal;
  }

  async #finish(
    journal: Journal,
    outcome: 'completed' | 'failed',
    reason: string | undefined,
    isCleanup: boolean,
  ): Promise<void> {
    if (this.state.lastJournalId !== journal.id) {
      const isDone = outcome === 'completed';
      await this.#record(journal.id, journal.to, outcome, reason, {
        ...(isDone ? { lastWrittenSha256: journal.afterSha256 } : {}),
        ...(isDone && journal.kind === 'finalize' ? { isPasswordRemoved: true } : {}),
        ...(isDone && journal.kind === 'switch' && journal.to !== 'rw_iam' ? { isPasswordRemoved: false } : {}),
      });
    }
    if (isCleanup) {
      await rm(this.options.stateDir.next, { force: true });
      await rm(this.options.stateDir.before, { force: true });
    }
    await clearJournal(this.options.stateDir.journal);
    this.#journal = undefined;
  }

  async #record(
    id: string,
    to: NodeStage,
    outcome: 'completed' | 'failed',
    reason: string | undefined,
    extra: Partial<AgentState> = {},
  ): Promise<void> {
    const state = this.state;
    await this.#saveState({
      ...state,
      ...extra,
      lastJournalId: id,
      completedSwitches: state.completedSwitches + (outcome === 'completed' ? 1 : 0),
      failedSwitches: state.failedSwitches + (outcome === 'failed' ? 1 : 0),
      lastResult: { toStage: to, outcome, ...(reason ? { reason } : {}), at: this.#now().toISOString() },
    });
  }

  async #saveState(state: AgentState): Promise<void> {
    await writeAgentState(this.options.stateDir.state, state);
    this.#state = state;
  }
}

/** Runs one applier step; its failure is a value (the reason), not an exception. */
async function attempt(run: () => Promise<void>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return reasonOf(error);
  }
}
