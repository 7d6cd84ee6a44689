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
    name: 'iamroll_fleet_records_forwarded',
    help: 'Heartbeats this process forwarded to the other API processes (sent) or applied from them (received), since start.',
    labelNames: ['direction'] as const,
    registers: [metrics],
    collect() {
      this.set({ direction: 'sent' }, replication.counts.sent);
      this.set({ direction: 'received' }, replication.counts.received);
    },
  });
  new Gauge({
    name: 'iamroll_alarm_nudges',
    help: 'Heartbeats (own or forwarded) that asked for an alarm evaluation at once: a second over a budget or a throttle, since start.',
    registers: [metrics],
    collect() {
      this.set(nudge.count);
    },
  });
}
