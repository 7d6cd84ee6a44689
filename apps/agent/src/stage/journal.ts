import { rm } from 'node:fs/promises';
import type { NodeStage } from '@iamroll/contracts';
import { readIfExists, writeFileAtomic } from '../files/atomic-file';

// The journal is the state machine's memory across crashes: one JSON file, rewritten
// atomically after each step completes, deleted when the operation ends. Its `step` names
// the last step that is known to have COMPLETED, so recovery knows exactly what may or may
// not have happened after it (see stage-machine.ts for what each step means).

/** Forward: backed-up → written → restarted → verified. Undo: restoring → restored → reverted. */
export const JOURNAL_STEPS = [
  'backed-up',
  'written',
  'restarted',
  'verified',
  'restoring',
  'restored',
  'reverted',
] as const;
export type JournalStep = (typeof JOURNAL_STEPS)[number];

export interface Journal {
  readonly version: 1;
  /** `switch` applies a stage (restart + health); `finalize` removes the password keys (no restart). */
  readonly kind: 'switch' | 'finalize';
  readonly id: string;
  readonly from: NodeStage;
  readonly to: NodeStage;
  /** The file being changed (kong.conf, or the env file). */
  readonly file: string;
  readonly beforeSha256: string;
  readonly afterSha256: string;
  readonly startedAt: string;
  readonly step: JournalStep;
  /** Set when the undo began: why (never a secret). */
  readonly reason?: string;
  /** Undo must restart Kong too: it may have read the new file. */
  readonly needsRestart?: boolean;
}

export async function readJournal(path: string): Promise<Journal | undefined> {
  const bytes = await readIfExists(path);
  if (!bytes) return undefined;
  const parsed = JSON.parse(bytes.toString('utf8')) as Journal;
  if (parsed.version !== 1 || !JOURNAL_STEPS.includes(parsed.step))
    throw new Error(`unreadable journal ${path}: move it away after checking the node's configuration by hand`);
  return parsed;
}

export async function writeJournal(path: string, journal: Journal): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(journal, null, 2)}\n`);
}

export async function clearJournal(path: string): Promise<void> {
  await rm(path, { force: true });
}
