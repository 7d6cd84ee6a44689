import type { HeartbeatReply } from '@iamroll/contracts';

// The heartbeat reply's `switchAt`: a rollout planned this node's switch for a later second, so
// that the restart's reconnect logins land inside the second it paced them into (RDS limits IAM
// logins per second). Times are the controller's (`serverTime` is when it received the heartbeat),
// so the node's own clock never matters: the wait is `switchAt − serverTime`, from the reply.

/** Never wait longer than this, whatever the reply says (a rollout plans at most a second ahead). */
export const MAX_SWITCH_WAIT_MS = 5_000;
/** Heard this late (or less), a planned switch still begins at once: its logins stay in its second. */
export const SWITCH_LATE_TOLERANCE_MS = 200;

/**
 * How long to wait before the switch the reply asks for: 0 without `switchAt` (or with one that is
 * unreadable); until `switchAt` when it lies ahead; at once when it passed up to
 * SWITCH_LATE_TOLERANCE_MS ago; past that, until the controller's next whole second, so that a
 * late burst still lands within one second instead of straddling two.
 */
export function switchWaitMs(reply: Pick<HeartbeatReply, 'switchAt' | 'serverTime'>): number {
  if (reply.switchAt === undefined) return 0;
  const atMs = Date.parse(reply.switchAt);
  const serverMs = Date.parse(reply.serverTime);
  if (!Number.isFinite(atMs) || !Number.isFinite(serverMs)) return 0;
  const aheadMs = atMs - serverMs;
  if (aheadMs >= 0) return Math.min(aheadMs, MAX_SWITCH_WAIT_MS);
  if (-aheadMs <= SWITCH_LATE_TOLERANCE_MS) return 0;
  return Math.ceil(serverMs / 1000) * 1000 - serverMs;
}
