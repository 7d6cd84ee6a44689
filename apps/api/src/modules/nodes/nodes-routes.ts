import {
  DecommissionNodeBody,
  IdParams,
  NodeDetail,
  NodeList,
  NodePlan,
  NodePlanQuery,
  NodesQuery,
  NodeView,
} from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import { actorOf } from '../auth/principal';
import type { NodesService } from './nodes-service';

export interface NodesRoutesOptions {
  readonly nodes: NodesService;
}

export const nodesRoutes: FastifyPluginCallbackTypebox<NodesRoutesOptions> = (app, { nodes }, done) => {
  app.get(
    '',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'List nodes (filter, sort, page)',
        description:
          '`q` matches part of the hostname or a whole node id; `databaseId` matches the read-write or read-only database; `status=stale`: no heartbeat for three intervals (as `isStale`); `rwAuthMode`/`roAuthMode`: password or iam (`roAuthMode=none`: no separate read-only connection); `hasAlarm`: with (true) or without (false) an unresolved alarm about the node. Decommissioned nodes only with `includeDecommissioned=true`.',
        tags: ['nodes'],
        querystring: NodesQuery,
        response: { 200: NodeList, ...errorResponses },
      },
    },
    (request) => nodes.list(request.query),
  );

  app.get(
    '/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        summary:
          'A node: its view, findings, effective config, the last 5 minutes of its rate, and recent audit entries',
        tags: ['nodes'],
        params: IdParams,
        response: { 200: NodeDetail, ...errorResponses },
      },
    },
    (request) => nodes.get(request.params.id),
  );

  app.get(
    '/:id/plan',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: "The edit a node's next stage takes: each setting that changes, old → new (no secrets)",
        description:
          "Planned by core's stage planner from the settings the node last reported. `stage`: ro_iam or rw_iam (default: the next one, ro_iam while the read-only connection is on passwords). Passwords are never read or shown: `kept` names them (kept for rollback). `error` says why there is no plan (no heartbeat yet, IAM does not apply, no pg_ro_host for ro_iam). The agent plans the exact edit on the node itself, in kong.conf or in Kong's KONG_* environment.",
        tags: ['nodes'],
        params: IdParams,
        querystring: NodePlanQuery,
        response: { 200: NodePlan, ...errorResponses },
      },
    },
    (request) => nodes.plan(request.params.id, request.query),
  );

  app.delete(
    '/:id',
    {
      config: { auth: 'admin' },
      schema: {
        summary:
          'Decommission a node: revoke its agent credentials, resolve its alarms, drop it from the fleet (the row stays, marked)',
        description:
          '404 for an unknown node, 409 when it is already decommissioned. Its heartbeats are refused (401) from then on.',
        tags: ['nodes'],
        params: IdParams,
        body: DecommissionNodeBody,
        response: { 200: NodeView, ...errorResponses },
      },
    },
    (request) => nodes.decommission(actorOf(userPrincipalOf(request)), request.params.id, request.body),
  );
  done();
};
