import type { RolloutIntent } from './intents';
import type { NodeObservation, RolloutObservations } from './observations';
import type { RolloutNodeRecord, RolloutSpec, RolloutState } from './types';

// Reads the agents' reports into the node records: a switch is settled when the node
// reports the target stage applied, failed when its agent reports it failed (the agent has
// then reverted the node itself), and failed after switchTimeoutSeconds without a report.

export interface SettleResult {
  readonly nodes: RolloutNodeRecord[];
  readonly intents: RolloutIntent[];
}

function appliedAtMs(record: RolloutNodeRecord, node: NodeObservation, nowMs: number): number {
  const report = node.switchReport;
  const isReportOfThisSwitch =
    report !== undefined &&
    report.outcome === 'applied' &&
    report.stage === record.toStage &&
    report.atMs >= (record.switchStartedAtMs ?? Number.NEGATIVE_INFINITY) &&
    report.atMs <= nowMs;
  return isReportOfThisSwitch ? report.atMs : nowMs;
}

function settleOne(
  spec: RolloutSpec,
  record: RolloutNodeRecord,
  node: NodeObservation | undefined,
  nowMs: number,
  intents: RolloutIntent[],
): RolloutNodeRecord {
  if (record.state === 'waiting' && node === undefined)
    return {
      ...record,
      state: 'skipped',
      reason: `no longer observed (decommissioned?)${record.direction === 'revert' ? ': not reverted' : ''}`,
    };
  if (record.state !== 'switching') return record;
  const isRevert = record.direction === 'revert';
  const verb = isRevert ? 'revert' : 'switch';
  if (node !== undefined && node.stage === record.toStage)
    return { ...record, state: isRevert ? 'reverted' : 'switched', settledAtMs: appliedAtMs(record, node, nowMs) };
  const report = node?.switchReport;
  const failed = (reason: string): RolloutNodeRecord => {
    intents.push({ kind: 'node_failed', nodeId: record.nodeId, reason });
    return { ...record, state: 'failed', reason, settledAtMs: nowMs };
  };
  if (
    report?.outcome === 'failed' &&
    report.stage === record.toStage &&
    report.atMs >= (record.switchStartedAtMs ?? Number.NEGATIVE_INFINITY)
  )
    return failed(
      `${verb} to ${record.toStage} failed: ${report.reason ?? 'no reason given'}${isRevert ? '' : ' (its agent reverted it)'}`,
    );
  const elapsedSeconds = (nowMs - (record.switchStartedAtMs ?? nowMs)) / 1000;
  if (elapsedSeconds > spec.pacing.switchTimeoutSeconds) {
    // The desired stage goes back too, so a node that returns later does not switch unpaced.
    if (!isRevert) intents.push({ kind: 'revert', stage: record.fromStage, nodeIds: [record.nodeId] });
    return failed(`${verb} to ${record.toStage} not reported within ${spec.pacing.switchTimeoutSeconds} s`);
  }
  return record;
}

export function settleRecords(
  spec: RolloutSpec,
  state: RolloutState,
  observations: RolloutObservations,
  nowMs: number,
): SettleResult {
  const intents: RolloutIntent[] = [];
  const byId = new Map(observations.nodes.map((node) => [node.nodeId, node]));
  const nodes = state.nodes.map((record) => settleOne(spec, record, byId.get(record.nodeId), nowMs, intents));
  return { nodes, intents };
}
