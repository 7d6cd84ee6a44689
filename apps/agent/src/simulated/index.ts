// Simulated Kong nodes for tests, the sandbox and benchmarks, driven by the real agent code.
export { SimulatedNode, type SimulatedNodeOptions } from './simulated-node';
export { createSimulatedApplier } from './simulated-applier';
export { simulatedKongConf, type SimulatedConfInput } from './simulated-kong-conf';
export type { SimEndpoint } from './kong-worker';
export { startSimulatedFleet, type SimulatedFleet, type SimulatedFleetOptions, type FleetMember } from './fleet';
