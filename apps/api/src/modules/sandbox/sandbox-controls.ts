import type { SandboxBreakBody, SandboxView } from '@iamroll/contracts';

/**
 * What the sandbox (`iamroll start`) hands the API: its simulated RDS instances and Kong
 * nodes. Production builds get none, so /api/v1/sandbox does not exist there.
 */
export interface SandboxControls {
  view(): SandboxView;
  /** Throws SandboxNotFound when no instance has this identifier. */
  setThrottleBudget(identifier: string, perSecond: number): void;
  /** Throws SandboxNotFound when no node has this name. */
  breakNode(name: string, fault: SandboxBreakBody): Promise<void>;
  /** Clears a node's faults (its agent runs again, restarts succeed). */
  repairNode(name: string): Promise<void>;
  addNodes(count: number): Promise<void>;
  /**
   * Revokes (false) or grants (true) rds_iam to an IAM database user on the simulated
   * instances; the simulator sees it within a second. Throws SandboxNotFound for an unknown user.
   */
  setRdsIam(user: string, hasRdsIam: boolean): Promise<void>;
}

export class SandboxNotFound extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'SandboxNotFound';
  }
}
