export { Agent, AGENT_VERSION, type AgentOptions } from './agent';
export type { Applier, NodeFiles } from './appliers/applier';
export { createCommandApplier, runCommand, type CommandApplierOptions } from './appliers/command-applier';
export { envFileFiles, kongConfFiles, renderEnvFile } from './appliers/node-files';
export { ControllerClient, ControllerError } from './controller/controller-client';
export { noCounters, type CountersSource } from './counters/counters-source';
export { createProbeLogin, type ProbeLoginOptions } from './health/probe-login';
export { describeNode } from './report/node-report';
export { StageMachine, type ApplyResult, type StageMachineOptions } from './stage/stage-machine';
export type { Journal, JournalStep } from './stage/journal';
export type { AgentState } from './stage/agent-state';
export {
  DbSampler,
  MONITOR_APPLICATION_NAME,
  type DbSamplerOptions,
  type MonitorConnection,
} from './counters/db-sampler';
export { parseLabels, runAgent, type AgentFlags } from './run/run-agent';
