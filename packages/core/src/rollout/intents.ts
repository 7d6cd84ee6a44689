import type { ControlKind } from './observations';
import type { CurrentIamStage, IamStage, RolloutPhase, RolloutState, RolloutStatusName } from './types';

// What decide() asks the reconciler to do, as values. Switch and revert set the nodes'
// desired stage (agents pick it up from the heartbeat reply); the others are audit entries,
// SSE events and webhook notifications. Intents are emitted once, on the transition.

export type RolloutIntent =
  | {
      readonly kind: 'switch';
      readonly phase: RolloutPhase;
      readonly stage: IamStage;
      readonly nodeIds: readonly string[];
      /** The agents begin at this time (the heartbeat reply's `switchAt`), not at once: set only when later than the decision. */
      readonly startAtMs?: number;
    }
  /** Back to the stage the node had before (its agent restores its backup: mixed included). */
  | { readonly kind: 'revert'; readonly stage: CurrentIamStage; readonly nodeIds: readonly string[] }
  | { readonly kind: 'node_failed'; readonly nodeId: string; readonly reason: string }
  | { readonly kind: 'phase_started'; readonly phase: RolloutPhase }
  /** Waiting for a human: the webhook fires on this one. */
  | { readonly kind: 'pause'; readonly by: string; readonly reason: string }
  | { readonly kind: 'resume'; readonly by: string; readonly reason: string }
  | { readonly kind: 'start'; readonly by: string; readonly reason: string }
  | { readonly kind: 'abort'; readonly by: string; readonly reason: string }
  | { readonly kind: 'rollback'; readonly by: string; readonly reason: string }
  | { readonly kind: 'complete' }
  | { readonly kind: 'rolled_back' }
  /** Remove pg_password / pg_ro_password as Kong's docs ask; the agent's backup keeps them. */
  | { readonly kind: 'finalize'; readonly nodeIds: readonly string[] };

export type RolloutIntentKind = RolloutIntent['kind'];

export interface ControlOutcome {
  readonly id?: string;
  readonly kind: ControlKind;
  readonly by: string;
  readonly isAccepted: boolean;
  /** Why a control was refused (null when accepted): the API answers 409 with it. */
  readonly refusal: string | null;
}

export interface RolloutDecision {
  readonly state: RolloutState;
  readonly status: RolloutStatusName;
  readonly message: string;
  readonly intents: readonly RolloutIntent[];
  readonly controls: readonly ControlOutcome[];
}
