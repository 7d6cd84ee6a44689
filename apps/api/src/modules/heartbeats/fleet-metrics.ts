import { Gauge, type Registry } from 'prom-client';
import type { AlarmNudge } from '../alarms/alarm-nudge';
import type { NodeRegistry } from '../nodes/node-registry';
import type { FleetReplication } from './fleet-replication';

/** What an operator checks when rates look wrong across processes. */
export function registerFleetMetrics(
  metrics: Registry,
  registry: NodeRegistry,
  replication: FleetReplication,
  nudge: AlarmNudge,
): void {
  new Gauge({
    name: 'iamroll_fleet_nodes',
    help: 'Nodes held in memory by this process.',
    registers: [metrics],
    collect() {
      this.set(registry.size);
    },
  });
  new Gauge({
    name: 'iamroll_fleet_replicated',
    help: 'What this process sent to the other API processes (sent) or applied from them (received), since start: node entries (one per node heard in a flush) and database seconds (one second of one database).',
    labelNames: ['direction', 'part'] as const,
    registers: [metrics],
    collect() {
      const { sent, received } = replication.counts;
      this.set({ direction: 'sent', part: 'nodes' }, sent.nodes);
      this.set({ direction: 'sent', part: 'database_seconds' }, sent.databaseSeconds);
      this.set({ direction: 'received', part: 'nodes' }, received.nodes);
      this.set({ direction: 'received', part: 'database_seconds' }, received.databaseSeconds);
    },
  });
  new Gauge({
    name: 'iamroll_alarm_nudges',
    help: 'Heartbeats (own) or peer increments that asked for an alarm evaluation at once: a second over a budget or a throttle, since start.',
    registers: [metrics],
    collect() {
      this.set(nudge.count);
    },
  });
}
