import { DEFAULT_PREVIEW_SWITCH_SECONDS } from './defaults';
import { stepLabel } from './message';
import type { NodeObservation, RolloutObservations } from './observations';
import { selectSwitches, type PacingCandidate } from './pacing';
import { phaseRecords } from './phase';
import { quantityOf } from './spec';
import { initialRolloutState } from './state';
import type { RolloutPhase, RolloutSpec } from './types';

// previewRollout: what a rollout would do, with no side effects (POST /api/v1/rollouts/preview):
// the waves and their paced batches, each database's projected peak against its budget, the
// expected duration, and the skipped and blocked nodes. The read-write phase is previewed
// against the fleet as the read-only phase would leave it.

export interface WavePreview {
  readonly stepIndex: number;
  readonly label: string;
  readonly nodeIds: readonly string[];
  /** Nodes switched together under pacing and maxUnavailable, in order. */
  readonly batches: readonly (readonly string[])[];
}

export interface PhasePreview {
  readonly phase: RolloutPhase;
  readonly waves: readonly WavePreview[];
  readonly skipped: readonly { readonly nodeId: string; readonly reason: string }[];
  readonly blocked: readonly { readonly nodeId: string; readonly reason: string }[];
}

export interface DatabasePreview {
  readonly databaseId: string;
  readonly budgetPerSecond: number;
  readonly targetPerSecond: number;
  readonly measuredRatePerSecond: number;
  /** Measured rate + the largest batch's bursts on this database. */
  readonly projectedPeakPerSecond: number;
  readonly isOverTarget: boolean;
}

export interface RolloutPreview {
  readonly phases: readonly PhasePreview[];
  readonly databases: readonly DatabasePreview[];
  readonly expectedDurationSeconds: number;
  readonly notes: readonly string[];
}

export interface PreviewOptions {
  /** What one batch takes: heartbeat reply, Kong restart, report back (default 10 s). */
  readonly switchSeconds?: number;
}

export function previewRollout(
  spec: RolloutSpec,
  observations: RolloutObservations,
  options: PreviewOptions = {},
): RolloutPreview {
  const switchSeconds = options.switchSeconds ?? DEFAULT_PREVIEW_SWITCH_SECONDS;
  const peaks = new Map<string, number>();
  const notes: string[] = [];
  const phases: PhasePreview[] = [];
  let nodes: readonly NodeObservation[] = observations.nodes;
  let batchCount = 0;
  for (const phase of spec.phases) {
    const records = phaseRecords(spec, initialRolloutState(), { ...observations, nodes }, phase, 0);
    const eligible = records.filter((record) => record.state === 'waiting');
    const slots = quantityOf(spec.pacing.maxUnavailable, eligible.length);
    const waves: WavePreview[] = [];
    spec.steps.forEach((step, stepIndex) => {
      if (step.phase !== phase || step.kind === 'bake') return;
      const inWave = eligible.filter((record) => record.stepIndex === stepIndex);
      let queue: PacingCandidate[] = inWave.map((r) => ({ nodeId: r.nodeId, burstByDatabase: r.burstByDatabase }));
      const batches: string[][] = [];
      while (queue.length > 0) {
        const pacing = selectSwitches({
          candidates: queue,
          databases: observations.databases,
          inFlightByDatabase: {},
          targetUtilisation: spec.pacing.targetUtilisation,
          slots,
        });
        if (pacing.oversizedNote !== null) notes.push(pacing.oversizedNote);
        let chosen = [...pacing.nodeIds];
        if (chosen.length === 0) {
          // It could not go now (the measured rate leaves no room): shown alone, with why.
          chosen = queue.slice(0, 1).map((candidate) => candidate.nodeId);
          notes.push(`${chosen[0] ?? ''} cannot switch at today's rate: ${pacing.waitingReason ?? 'no headroom'}`);
        }
        const batchTotal: Record<string, number> = {};
        for (const candidate of queue.filter((c) => chosen.includes(c.nodeId)))
          for (const [databaseId, burst] of Object.entries(candidate.burstByDatabase))
            batchTotal[databaseId] = (batchTotal[databaseId] ?? 0) + burst;
        for (const [databaseId, total] of Object.entries(batchTotal))
          peaks.set(databaseId, Math.max(peaks.get(databaseId) ?? 0, total));
        batches.push(chosen);
        queue = queue.filter((candidate) => !chosen.includes(candidate.nodeId));
      }
      batchCount += batches.length;
      waves.push({ stepIndex, label: stepLabel(spec, stepIndex), nodeIds: inWave.map((r) => r.nodeId), batches });
    });
    const listed = (state: 'skipped' | 'blocked') =>
      records.filter((r) => r.state === state).map((r) => ({ nodeId: r.nodeId, reason: r.reason ?? '' }));
    phases.push({ phase, waves, skipped: listed('skipped'), blocked: listed('blocked') });
    if (phase === 'ro_iam' && spec.phases.includes('rw_iam')) {
      const notOnRo = listed('blocked').map((entry) => entry.nodeId);
      if (notOnRo.length > 0)
        notes.push(`rw_iam waits for an admin override: ${notOnRo.join(', ')} cannot move read-only to IAM`);
    }
    const moved = new Map(eligible.map((record) => [record.nodeId, record.toStage]));
    nodes = nodes.map((node) => {
      const toStage = moved.get(node.nodeId);
      return toStage === undefined ? node : { ...node, stage: toStage };
    });
  }
  const databases = observations.databases
    .filter((database) => peaks.has(database.databaseId))
    .map((database): DatabasePreview => {
      const projected = database.ratePerSecond + (peaks.get(database.databaseId) ?? 0);
      const target = spec.pacing.targetUtilisation * database.budgetPerSecond;
      return {
        databaseId: database.databaseId,
        budgetPerSecond: database.budgetPerSecond,
        targetPerSecond: target,
        measuredRatePerSecond: database.ratePerSecond,
        projectedPeakPerSecond: projected,
        isOverTarget: projected > target,
      };
    });
  const bakeSeconds = spec.steps.reduce((sum, step) => sum + (step.kind === 'bake' ? step.bakeSeconds : 0), 0);
  const batchSeconds = switchSeconds + spec.pacing.burstWindowSeconds;
  return { phases, databases, expectedDurationSeconds: bakeSeconds + batchCount * batchSeconds, notes };
}
