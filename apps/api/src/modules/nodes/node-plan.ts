import type { ConnectionConfig, HeartbeatConfig, KongRole, NodePlan } from '@iamroll/contracts';
import { lintKongConf, loadKongConf, planStage, valueOf, type ConfEdit } from '@iamroll/core/config';

type PlannedStage = NodePlan['to'];

/** The kong.conf keys of one connection: pg_* or pg_ro_*. */
function connectionLines(prefix: 'pg' | 'pg_ro', connection: ConnectionConfig): string[] {
  const onOff = (value: boolean) => (value ? 'on' : 'off');
  return [
    `${prefix}_host = ${connection.host}`,
    `${prefix}_port = ${connection.port}`,
    `${prefix}_database = ${connection.database}`,
    `${prefix}_user = ${connection.user}`,
    `${prefix}_iam_auth = ${onOff(connection.iam)}`,
    `${prefix}_ssl = ${onOff(connection.ssl)}`,
    `${prefix}_ssl_verify = ${onOff(connection.sslVerify)}`,
  ];
}

/**
 * The node's effective settings written back as a kong.conf, for core's planner: what Kong
 * resolved (from kong.conf, KONG_* or its defaults) is all the planner reads. No password:
 * the controller never has one, and the planner never edits it.
 */
export function confFromReport(config: HeartbeatConfig, role: KongRole): string {
  return [
    `role = ${role}`,
    ...(config.rw ? connectionLines('pg', config.rw) : ['database = off']),
    ...(config.ro ? connectionLines('pg_ro', config.ro) : []),
    '',
  ].join('\n');
}

/** The stage a node moves to next: read-only first, then read-write. */
export function nextStageOf(config: HeartbeatConfig | null): PlannedStage {
  return config?.ro && !config.ro.iam && !config.rw?.iam ? 'ro_iam' : 'rw_iam';
}

const failed = (nodeId: string, to: PlannedStage, error: string): NodePlan => ({
  nodeId,
  from: 'password',
  to,
  changes: [],
  kept: [],
  blockers: [],
  notes: [],
  error,
});

/**
 * The stage's edits as old → new values, from the node's reported settings. Lint errors that the
 * settings already had are left out of the blockers: they are about keys the controller does not
 * see (certificates, for one) and the node's own findings report them as the agent sees them.
 */
export function planNode(
  node: { readonly id: string; readonly role: KongRole },
  config: HeartbeatConfig | null,
  stage?: PlannedStage,
): NodePlan {
  const nodeId = node.id;
  const to = stage ?? nextStageOf(config);
  if (!config) return failed(nodeId, to, 'No heartbeat yet: the controller has no settings of this node to plan from.');
  const confText = confFromReport(config, node.role);
  const plan = planStage({ confText }, to);
  if (plan.error !== null) return { ...failed(nodeId, to, plan.error), from: plan.from };
  const before = loadKongConf({ confText });
  const known = new Set(lintKongConf(before).map((finding) => `${finding.rule}:${finding.key}`));
  const valueAfter = (edit: ConfEdit) => (edit.op === 'set' ? edit.value : null);
  const changes = plan.edits.map((edit) => ({ key: edit.key, from: valueOf(before, edit.key), to: valueAfter(edit) }));
  const movesToIam = (was: ConnectionConfig | null, key: string) =>
    was !== null && !was.iam && changes.some((change) => change.key === key && change.to === 'on');
  const kept = [
    ...(movesToIam(config.rw, 'pg_iam_auth')
      ? [{ key: 'pg_password', note: 'kept for rollback (Kong ignores it while IAM is on)' }]
      : []),
    ...(movesToIam(config.ro, 'pg_ro_iam_auth')
      ? [{ key: 'pg_ro_password', note: 'kept for rollback (Kong ignores it while IAM is on)' }]
      : []),
  ];
  return {
    nodeId,
    from: plan.from,
    to,
    changes,
    kept,
    blockers: plan.blockers
      .filter((finding) => !known.has(`${finding.rule}:${finding.key}`))
      .map(({ rule, severity, key, message, fix }) => ({ rule, severity, key, message, fix })),
    // The planner's note about pg_password assumes it read one; `kept` says it for the controller.
    notes: plan.notes.filter((note) => !note.startsWith('pg_password stays')),
    error: null,
  };
}
