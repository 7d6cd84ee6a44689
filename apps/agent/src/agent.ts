import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { HeartbeatBody, HeartbeatReply, NodeLabels, NodeStage, ReportedStatus } from '@iamroll/contracts';
import type { LoadInput } from '@iamroll/core/config';
import type { Applier, NodeFiles } from './appliers/applier';
import { ControllerClient, ControllerError } from './controller/controller-client';
import { ensureEnrolled, type AgentIdentity } from './controller/enroll';
import type { CountersSource } from './counters/counters-source';
import { StateDir } from './files/state-dir';
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
  /** Until the first reply says otherwise. Default 1000 ms. */
  readonly intervalMs?: number;
  /** A stage whose switch failed is not tried again before this (unless the desired stage changes). Default 60 s. */
  readonly retryFailedAfterMs?: number;
  readonly log?: (line: string) => void;
  /** Tests only (crash simulation). */
  readonly onStep?: StageMachineOptions['onStep'];
}

/**
 * The agent: enroll once, then heartbeat every interval. Each reply names the stage the
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
  #isStopped = false;
  #tick: Promise<void> | undefined;
  #work: Promise<unknown> | undefined;
  #lastError: string | undefined;
  #lastDesired: NodeStage | undefined;

  constructor(private readonly options: AgentOptions) {
    this.#client = new ControllerClient(options.controllerUrl);
    this.#stateDir = new StateDir(options.stateDir);
    this.#log = options.log ?? (() => undefined);
    this.#intervalMs = options.intervalMs ?? 1_000;
    this.machine = new StageMachine({
      stateDir: this.#stateDir,
      files: options.files,
      applier: options.applier,
      log: this.#log,
      ...(options.probeLogin ? { probeLogin: options.probeLogin } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
    });
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
  }

  /** Stops heartbeating and waits for a switch in progress to end (a switch is never abandoned half-way). */
  async stop(): Promise<void> {
    this.#isStopped = true;
    clearTimeout(this.#timer);
    await this.#tick;
    await this.#work;
    await this.options.counters.close?.();
  }

  /** One heartbeat now (what the timer runs). */
  async beat(): Promise<void> {
    const identity = this.#identity;
    if (!identity) throw new Error('Agent.start() first');
    let reply: HeartbeatReply;
    try {
      reply = await this.#client.heartbeat(identity.nodeId, identity.credential, await this.#body());
      this.#lastError = undefined;
    } catch (error) {
      this.#lastError = (error as Error).message;
      if (error instanceof ControllerError && error.status === 400) this.#log(`heartbeat refused: ${error.message}`);
      return;
    }
    this.#intervalMs = reply.intervalMs;
    this.#react(reply);
  }

  #schedule(delayMs: number): void {
    if (this.#isStopped) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.beat()
        .catch((error: unknown) => this.#log(`heartbeat failed: ${(error as Error).message}`))
        .finally(() => this.#schedule(this.#intervalMs));
    }, delayMs);
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
    return {
      bootId: this.#bootId,
      seq: this.#seq,
      sentAt: new Date().toISOString(),
      intervalMs: Math.min(Math.max(this.#intervalMs, 100), 600_000),
      agentVersion: AGENT_VERSION,
      kongVersion: this.options.kongVersion,
      role: node.role,
      status,
      ...(statusMessage ? { statusMessage: statusMessage.slice(0, 500) } : {}),
      counters: this.options.counters.snapshot(),
      config: node.config,
      findings: node.findings,
      ...(this.options.labels ? { labels: this.options.labels } : {}),
      transition,
    };
  }

  /** Starts the work a reply asks for, one operation at a time, in the background. */
  #react(reply: HeartbeatReply): void {
    if (this.#work || this.#isStopped || this.machine.isBusy) return;
    const desired = reply.desiredStage;
    const work = this.#decide(desired, reply.finalize);
    if (!work) return;
    this.#work = work
      .then((result) => {
        if (result) this.#log(`desired ${desired}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}`);
      })
      .catch((error: unknown) => this.#log(`apply failed unexpectedly: ${(error as Error).message}`))
      .finally(() => {
        this.#work = undefined;
      });
  }

  #decide(
    desired: NodeStage,
    finalize: HeartbeatReply['finalize'],
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
      const current = await this.machine.currentStage();
      if (current !== desired) return isCoolingDown ? undefined : this.machine.apply(desired);
      if (finalize === 'remove-passwords' && desired === 'rw_iam' && !state.isPasswordRemoved)
        return this.machine.finalize();
      if (finalize === 'finalized' && desired === 'rw_iam' && state.originalSha256 !== null)
        return this.machine.deleteBackups();
      return undefined;
    })();
  }
}
