import { Gauge, type Registry } from 'prom-client';
import type { AlarmNudge } from '../alarms/alarm-nudge';
import type { NodeRegistry } from '../nodes/node-registry';
import type { FleetReplication } from './fleet-replication';
import type { KeepAliveGovernor } from './keep-alive-governor';

/** What an operator checks when rates look wrong across processes. */
export function registerFleetMetrics(
  metrics: Registry,
  registry: NodeRegistry,
  replication: FleetReplication,
  nudge: AlarmNudge,
  keepAlive: KeepAliveGovernor,
): void {
  new Gauge({
    name: 'iamroll_heartbeat_keep_alive_seconds',
    help: 'The keep-alive this process asks of idle nodes now: IAMROLL_HEARTBEAT_KEEP_ALIVE_MS, longer while its event loop is busy (up to IAMROLL_HEARTBEAT_KEEP_ALIVE_MAX_MS).',
    registers: [metrics],
    collect() {
      this.set(keepAlive.keepAliveMs / 1_000);
    },
  });
  new Gauge({
    name: 'iamroll_event_loop_utilisation',
    help: 'Share of the last 5 s the event loop was busy (0-1): what lengthens the idle keep-alive above 0.75 and shortens it below 0.5.',
    registers: [metrics],
    collect() {
      this.set(keepAlive.utilisation);
    },
  });
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
