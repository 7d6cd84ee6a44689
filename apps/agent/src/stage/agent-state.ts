import type { NodeStage } from '@iamroll/contracts';
import { readIfExists, writeFileAtomic } from '../files/atomic-file';

/** What the agent remembers about its node's file between runs (state.json, 0600; no secret). */
export interface AgentState {
  readonly version: 1;
  /** sha256 of backups/original, when iamroll has changed the file at least once. */
  readonly originalSha256: string | null;
  /** The stage the original file was on. */
  readonly originalStage: NodeStage | null;
  /** The read-write user of the original file: the password user a rollback returns to. */
  readonly originalUser: string | null;
  /** sha256 of what the agent last wrote: a different file means someone edited it since. */
  readonly lastWrittenSha256: string | null;
  readonly completedSwitches: number;
  readonly failedSwitches: number;
  readonly isPasswordRemoved: boolean;
  /** The journal whose outcome was last recorded: finishing it again (a crash in between) counts nothing twice. */
  readonly lastJournalId: string | null;
  readonly lastResult: {
    readonly toStage: NodeStage;
    readonly outcome: 'completed' | 'failed';
    readonly reason?: string;
    readonly at: string;
  } | null;
}

export const INITIAL_STATE: AgentState = {
  version: 1,
  originalSha256: null,
  originalStage: null,
  originalUser: null,
  lastWrittenSha256: null,
  completedSwitches: 0,
  failedSwitches: 0,
  isPasswordRemoved: false,
  lastJournalId: null,
  lastResult: null,
};

export async function readAgentState(path: string): Promise<AgentState> {
  const bytes = await readIfExists(path);
  if (!bytes) return INITIAL_STATE;
  return { ...INITIAL_STATE, ...(JSON.parse(bytes.toString('utf8')) as Partial<AgentState>) };
}

export async function writeAgentState(path: string, state: AgentState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}
