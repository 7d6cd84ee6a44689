import type { Applier } from '../appliers/applier';
import type { SimulatedNode } from './simulated-node';

/** The Applier seam for a simulated node: its restart is a real drop-and-reconnect of every connection. */
export function createSimulatedApplier(node: SimulatedNode): Applier {
  return {
    restart: () => node.restart(),
    checkHealth: () => node.checkHealth(),
  };
}
