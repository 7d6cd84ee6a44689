import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type {
  HeartbeatBody,
  HeartbeatCounters,
  HeartbeatReply,
  NodeLabels,
  NodeStage,
  ReportedStatus,
} from '@iamroll/contracts';
import type { LoadInput } from '@iamroll/core/config';
import type { Applier, NodeFiles } from './appliers/applier';
import { ControllerClient, ControllerError } from './controller/controller-client';
import { ensureEnrolled, type AgentIdentity } from './controller/enroll';
import { switchWaitMs } from './controller/switch-at';
import type { CountersSource } from './counters/counters-source';
import { StateDir } from './files/state-dir';
import { createNodePreflight, warmUpPreflight, type NodePreflightOptions } from './preflight/node-preflight';
import { PreflightWorker } from './preflight/preflight-worker';
import { describeNode } from './report/node-report';
import { StageMachine, type StageMachineOptions } from './stage/stage-machine';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  readonly controllerUrl: string;
  readonly stateDir: string;
  readonly files: NodeFiles;
  readonly applier: Applier;
  readonly counters: CountersSource;
  /** Read only when the node is not enrolled yet (file or environment; never argv). */
  readonly enrollmentToken?: () => Promise<string | undefined>;
  readonly hostname: string;
  readonly kongVersion: string;
  readonly labels?: NodeLabels;
  readonly probeLogin?: (input: LoadInput) => Promise<void>;
  /**
   * How the preflight the controller asks for reaches AWS and the databases (preflight/). Default:
   * no AWS environment (credentials then come from shared files or instance metadata only).
   */
  readonly preflight?: NodePreflightOptions;
  /** The keep-alive interval until the first reply says otherwise. Default 10,000 ms. */
  readonly intervalMs?: number;
  /** How often the agent checks whether its connection counters moved. Default 250 ms. */
  readonly checkCountersMs?: number;
  /** A heartbeat for moved counters goes at most this often. Default 1000 ms (the budget's own resolution). */
  readonly minReportIntervalMs?: number;
  /**
   * While a switch runs (its restart's reconnect burst is landing), moved counters go at most this
   * often instead: the controller's pacing counts the burst as in flight until it sees it. Default 100 ms.
   */
  readonly switchReportIntervalMs?: number;
  /** A stage whose switch failed is not tried again before this (unless the desired stage changes). Default 60 s. */
  readonly retryFailedAfterMs?: number;
  readonly log?: (line: string) => void;
  /** Tests only (crash simulation). */
  readonly onStep?: StageMachineOptions['onStep'];
}

/** How often the counters are read while a switch runs (its burst is landing). */
export const SWITCH_CHECK_COUNTERS_MS = 50;

/** Connection attempts neither established nor failed yet, on either kind. */
function isConnecting(counters: HeartbeatCounters): boolean {
  return [counters.rw, counters.ro].some((kind) => {
    if (kind === null) return false;
    const failed = Object.values(kind.authFailures).reduce((sum, count) => sum + count, 0);
    return kind.attempts > kind.established + failed;
  });
}

/** The shortest interval announced once the controller set one (staleness counts three of them). */
export const MIN_ANNOUNCED_INTERVAL_MS = 1_000;

/** The keep-alive when the controller has not said (its reply's `intervalMs` sets it). */
export const DEFAULT_KEEP_ALIVE_MS = 10_000;

/**
 * The agent: enroll once, then heartbeat — at once when its connection counters move (new
 * logins, failures, throttles), at most once a second, and otherwise every keep-alive
 * interval (the reply's `intervalMs`: 10 s by default, 1 s when the controller wants this
 * node at 1 Hz). While a switch runs, counters are read every 50 ms and moved ones go every
 * 100 ms at most (its burst is what the rollout paces against), and the end of a switch (applied
 * or failed) is reported at once, so the controller's pacing does not hold the burst in flight for
 * a whole interval. Counters stay totals; `countersSince` says when they last read the
 * previous heartbeat's totals, so the controller places a burst in its own second. Each reply names the stage the
 * controller wants; when it differs from the file's, the stage machine applies it in the
 * background while heartbeats go on reporting its progress (`transition`).
 */
export class Agent {
  readonly machine: StageMachine;
  readonly #client: ControllerClient;
  readonly #stateDir: StateDir;
  readonly #bootId = `boot-${randomBytes(8).toString('hex')}`;
  readonly #log: (line: string) => void;
  #identity: AgentIdentity | undefined;
  #seq = 0;
  #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  #isBeating = false;
  /** The counters of the last heartbeat sent (JSON), when it was sent, and the last check that still read them. */
  #reportedCounters: string | undefined;
  #lastSentMs = 0;
  #unchangedAtMs = 0;
  /** The interval the last heartbeat announced: when the reply grows it, one more beat at it announces the new one. */
  #announcedIntervalMs: number | undefined;
  #isStopped = false;
  #tick: Promise<void> | undefined;
  #work: Promise<unknown> | undefined;
  #lastError: string | undefined;
  #lastDesired: NodeStage | undefined;
  readonly #preflight: PreflightWorker;
  /** A switch ended or a preflight report is ready while a heartbeat was on its way: the next goes right after it. */
  #isUrgentWaiting = false;
  #hasReply = false;
  /** The newest reply, for a planned switch that waited (`switchAt`): it acts on what the controller says then. */
  #latestReply: HeartbeatReply | undefined;
  /** The `switchAt` already waited for: the replies that repeat it do not wait again. */
  #waitedSwitchAt: string | undefined;

  constructor(private readonly options: AgentOptions) {
    this.#client = new ControllerClient(options.controllerUrl);
    this.#stateDir = new StateDir(options.stateDir);
    this.#log = options.log ?? (() => undefined);
    this.#intervalMs = options.intervalMs ?? DEFAULT_KEEP_ALIVE_MS;
    this.machine = new StageMachine({
      stateDir: this.#stateDir,
      files: options.files,
      applier: options.applier,
      log: this.#log,
      ...(options.probeLogin ? { probeLogin: options.probeLogin } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
    });
    const runPreflight = createNodePreflight(options.files, this.machine, options.preflight ?? { processEnv: {} });
    // A verdict is on the critical path of a wave (its switch waits for it): reported at once.
    this.#preflight = new PreflightWorker(runPreflight, () => this.#beatAtOnce(), this.#log);
  }

  get nodeId(): string | undefined {
    return this.#identity?.nodeId;
  }

  /** Why the last heartbeat did not get through (undefined after a good one). */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Recovers an interrupted switch, enrolls if needed, and starts heartbeating. */
  async start(): Promise<void> {
    const recovered = await this.machine.open();
    if (recovered) this.#log(`recovery: ${recovered.outcome}${recovered.reason ? ` (${recovered.reason})` : ''}`);
    const node = describeNode(await this.#input());
    this.#identity = await ensureEnrolled(
      this.#client,
      this.#stateDir.credential,
      this.options.enrollmentToken ?? (() => Promise.resolve(undefined)),
      {
        hostname: this.options.hostname,
        kongVersion: this.options.kongVersion,
        role: node.role,
        agentVersion: AGENT_VERSION,
      },
    );
    this.#log(`enrolled as node ${this.#identity.nodeId}`);
    this.#schedule(0);
    void warmUpPreflight();
    // While a switch runs, counters are read every 50 ms: a burst's logins are then placed (between
    // `countersSince` and `sentAt`) within a tenth of a second of when they happened, in the right second.
    const checkMs = this.options.checkCountersMs ?? 250;
    const tickMs = Math.min(checkMs, SWITCH_CHECK_COUNTERS_MS);
    let lastCheckMs = 0;
    this.#checkTimer = setInterval(() => {
      const nowMs = Date.now();
      if (!this.machine.isBusy && nowMs - lastCheckMs < checkMs - tickMs / 2) return;
      lastCheckMs = nowMs;
      this.#checkCounters();
    }, tickMs);
  }

  /** Stops heartbeating and waits for a switch in progress to end (a switch is never abandoned half-way). */
  async stop(): Promise<void> {
    this.#isStopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#checkTimer);
    await this.#tick;
    await this.#work;
    await this.#preflight.idle();
    await this.options.counters.close?.();
  }

  /** One heartbeat now (what the timer runs). */
  async beat(): Promise<void> {
    const identity = this.#identity;
    if (!identity) throw new Error('Agent.start() first');
    let reply: HeartbeatReply;
    try {
      const body = await this.#body();
      reply = await this.#client.heartbeat(identity.nodeId, identity.credential, body);
      if (body.preflight) this.#preflight.delivered(body.preflight);
      this.#lastError = undefined;
    } catch (error) {
      this.#lastError = (error as Error).message;
      if (error instanceof ControllerError && error.status === 400) this.#log(`heartbeat refused: ${error.message}`);
      return;
    }
    this.#intervalMs = reply.intervalMs;
    this.#hasReply = true;
    this.#react(reply);
  }

  #schedule(delayMs: number): void {
    if (this.#isStopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#beatNow(), delayMs);
  }

  #beatNow(): void {
    if (this.#isStopped || this.#isBeating) return;
    clearTimeout(this.#timer);
    this.#isBeating = true;
    this.#tick = this.beat()
      .catch((error: unknown) => this.#log(`heartbeat failed: ${(error as Error).message}`))
      .finally(() => {
        this.#isBeating = false;
        // A grown interval is announced by one more heartbeat at the one announced before, so the
        // controller never counts the node stale against the shorter one.
        const announced = this.#announcedIntervalMs ?? this.#intervalMs;
        this.#schedule(Math.min(announced, this.#intervalMs));
        // A switch ended (or a preflight report finished) while this heartbeat was on its way: it goes now.
        if (this.#isUrgentWaiting) {
          this.#isUrgentWaiting = false;
          this.#beatNow();
        }
      });
  }

  /** An event the controller waits for (a switch ended, a preflight report): the next heartbeat goes now, or right after the one on its way. */
  #beatAtOnce(): void {
    if (this.#isStopped) return;
    if (this.#isBeating) this.#isUrgentWaiting = true;
    else this.#beatNow();
  }

  /** Between heartbeats: counters that moved are reported at once, once a second at most (100 ms while switching). */
  #checkCounters(): void {
    if (this.#isStopped || this.#reportedCounters === undefined) return;
    const nowMs = Date.now();
    const counters = this.options.counters.snapshot();
    // Also while a heartbeat is on its way (its totals are the reported ones): `countersSince` stays
    // tight, so a burst is never spread back over a round trip into a second it did not happen in.
    if (JSON.stringify(counters) === this.#reportedCounters) {
      this.#unchangedAtMs = nowMs;
      return;
    }
    if (this.#isBeating) return;
    // A restart's connections still signing in: RDS counts each login when its token arrives, a
    // handshake after the attempt began (longer on a loaded host). Reported once they are through,
    // the burst is placed up to when RDS has surely counted it, and stays in flight until then.
    if (this.machine.isBusy && isConnecting(counters)) return;
    const minGapMs = this.machine.isBusy
      ? (this.options.switchReportIntervalMs ?? 100)
      : (this.options.minReportIntervalMs ?? 1_000);
    if (nowMs - this.#lastSentMs >= minGapMs) this.#beatNow();
    else this.#schedule(minGapMs - (nowMs - this.#lastSentMs));
  }

  async #input(): Promise<LoadInput> {
    return this.options.files.input(await readFile(this.options.files.edited, 'utf8'));
  }

  async #body(): Promise<HeartbeatBody> {
    const node = describeNode(await this.#input());
    const transition = this.machine.report();
    let status: ReportedStatus = 'ok';
    let statusMessage: string | undefined;
    if (transition.status === 'failed') {
      status = 'degraded';
      statusMessage = `switch to ${transition.toStage ?? '?'} failed: ${transition.reason ?? ''}`;
    }
    if (node.findings.some((f) => f.severity === 'error')) status = 'degraded';
    this.#seq += 1;
    const counters = this.options.counters.snapshot();
    const sentAtMs = Date.now();
    // Checks since the last heartbeat still read its totals until #unchangedAtMs: what moved, moved after.
    const countersSince =
      this.#reportedCounters !== undefined && this.#unchangedAtMs > this.#lastSentMs && this.#unchangedAtMs < sentAtMs
        ? new Date(this.#unchangedAtMs).toISOString()
        : undefined;
    // A sub-second interval the controller asks for (the next nodes a rollout switches) is attention,
    // not a promise: the node still announces 1 s, so a loaded machine's late beat is not called stale.
    const floorMs = this.#hasReply ? MIN_ANNOUNCED_INTERVAL_MS : 100;
    const intervalMs = Math.min(Math.max(this.#intervalMs, floorMs), 600_000);
    this.#reportedCounters = JSON.stringify(counters);
    this.#lastSentMs = sentAtMs;
    this.#unchangedAtMs = sentAtMs;
    this.#announcedIntervalMs = intervalMs;
    return {
      bootId: this.#bootId,
      seq: this.#seq,
      sentAt: new Date(sentAtMs).toISOString(),
      ...(countersSince ? { countersSince } : {}),
      intervalMs,
      agentVersion: AGENT_VERSION,
      kongVersion: this.options.kongVersion,
      role: node.role,
      status,
      ...(statusMessage ? { statusMessage: statusMessage.slice(0, 500) } : {}),
      counters,
      config: node.config,
      findings: node.findings,
      ...(this.options.labels ? { labels: this.options.labels } : {}),
      transition,
      capabilities: ['preflight'],
      ...(this.#preflight.report ? { preflight: this.#preflight.report } : {}),
    };
  }

  /** Starts the work a reply asks for, one operation at a time, in the background. */
  #react(reply: HeartbeatReply): void {
    this.#latestReply = reply;
    if (!this.#isStopped) this.#preflight.request(reply.preflight);
    if (this.#work || this.#isStopped || this.machine.isBusy) return;
    // A switch planned for a later second (switch-at.ts): wait for it as work, so no other reply
    // starts it meanwhile, then act on the newest reply (a pause or rollback may have come since).
    const waitMs = reply.switchAt !== this.#waitedSwitchAt ? switchWaitMs(reply) : 0;
    if (waitMs > 0 && reply.desiredStage !== this.#lastDesired) {
      this.#waitedSwitchAt = reply.switchAt;
      this.#work = new Promise((resolve) => setTimeout(resolve, waitMs)).then(() => {
        this.#work = undefined;
        const latest = this.#latestReply ?? reply;
        if (!this.#isStopped) this.#react(latest);
      });
      return;
    }
    const desired = reply.desiredStage;
    const work = this.#decide(desired, reply.finalize, reply.restore);
    if (!work) return;
    let hasEnded = false;
    this.#work = work
      .then((result) => {
        if (!result) return;
        // 'unchanged' (nothing to write) can repeat at every reply: only a real switch's end is urgent.
        hasEnded = result.outcome !== 'unchanged';
        this.#log(`desired ${desired}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}`);
      })
      .catch((error: unknown) => {
        hasEnded = true;
        this.#log(`apply failed unexpectedly: ${(error as Error).message}`);
      })
      .finally(() => {
        this.#work = undefined;
        // The outcome (and the burst its restart caused) goes out now, not at the next interval.
        if (hasEnded) this.#beatAtOnce();
      });
  }

  #decide(
    desired: NodeStage,
    finalize: HeartbeatReply['finalize'],
    restore: HeartbeatReply['restore'],
  ): Promise<{ outcome: string; reason?: string } | undefined> | undefined {
    const state = this.machine.state;
    const isNewDesire = desired !== this.#lastDesired;
    this.#lastDesired = desired;
    const last = state.lastResult;
    const retryAfterMs = this.options.retryFailedAfterMs ?? 60_000;
    const isCoolingDown =
      !isNewDesire &&
      last?.outcome === 'failed' &&
      last.toStage === desired &&
      Date.now() - Date.parse(last.at) < retryAfterMs;
    return (async () => {
      // A rollback of a node that started mixed: its original file back, byte-identical.
      if (restore === 'original') return isCoolingDown ? undefined : this.machine.restoreOriginal();
      const current = await this.machine.currentStage();
      // Mixed reads rw_iam, but rw_iam asked means the read-only connection on IAM too.
      const isHalfway = current === 'rw_iam' && desired === 'rw_iam' && (await this.machine.isMixed());
      if (current !== desired || isHalfway) return isCoolingDown ? undefined : this.machine.apply(desired);
      if (finalize === 'remove-passwords' && desired === 'rw_iam' && !state.isPasswordRemoved)
        return this.machine.finalize();
      if (finalize === 'finalized' && desired === 'rw_iam' && state.originalSha256 !== null)
        return this.machine.deleteBackups();
      return undefined;
    })();
  }
}
