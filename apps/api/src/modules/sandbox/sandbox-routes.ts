import {
  SandboxAddNodesBody,
  SandboxBreakBody,
  SandboxIamUserParams,
  SandboxIdentifierParams,
  SandboxNodeParams,
  SandboxRdsIamBody,
  SandboxThrottleBody,
  SandboxView,
} from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import type { AuditRepository } from '../audit/audit-repository';
import { actorOf } from '../auth/principal';
import { SandboxNotFound, type SandboxControls } from './sandbox-controls';

export interface SandboxRoutesOptions {
  readonly sandbox: SandboxControls;
  readonly audit: AuditRepository;
}

async function translated<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SandboxNotFound) throw AppError.notFound(error.message);
    throw error;
  }
}

/**
 * The sandbox's demo controls: registered only when `iamroll start` passes its simulated
 * RDS instances and Kong nodes to the app (never from configuration).
 */
export const sandboxRoutes: FastifyPluginCallbackTypebox<SandboxRoutesOptions> = (app, { sandbox, audit }, done) => {
  const tags = ['sandbox'];
  const record = (request: Parameters<typeof userPrincipalOf>[0], action: string, subjectId: string, data: object) =>
    audit.record({
      actor: actorOf(userPrincipalOf(request)),
      action: `sandbox.${action}`,
      subjectType: 'sandbox',
      subjectId,
      data: { ...data },
    });

  app.get(
    '',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'The sandbox: its simulated RDS instances and Kong nodes',
        tags,
        response: { 200: SandboxView, ...errorResponses },
      },
    },
    () => sandbox.view(),
  );

  app.post(
    '/instances/:identifier/throttle-budget',
    {
      config: { auth: 'operator' },
      schema: {
        summary: "Set a simulated RDS instance's IAM throttling budget (what RDS admits; not the registered budget)",
        tags,
        params: SandboxIdentifierParams,
        body: SandboxThrottleBody,
        response: { 200: SandboxView, ...errorResponses },
      },
    },
    async (request) => {
      const { identifier } = request.params;
      await translated(() => sandbox.setThrottleBudget(identifier, request.body.throttleBudgetPerSecond));
      await record(request, 'throttle-budget', identifier, request.body);
      return sandbox.view();
    },
  );

  app.post(
    '/nodes/:name/break',
    {
      config: { auth: 'operator' },
      schema: {
        summary: 'Break a simulated node: its next restarts fail, or its agent stops (the node goes silent)',
        tags,
        params: SandboxNodeParams,
        body: SandboxBreakBody,
        response: { 200: SandboxView, ...errorResponses },
      },
    },
    async (request) => {
      await translated(() => sandbox.breakNode(request.params.name, request.body));
      await record(request, 'break-node', request.params.name, request.body);
      return sandbox.view();
    },
  );

  app.post(
    '/nodes/:name/repair',
    {
      config: { auth: 'operator' },
      schema: {
        summary: "Clear a simulated node's faults",
        tags,
        params: SandboxNodeParams,
        response: { 200: SandboxView, ...errorResponses },
      },
    },
    async (request) => {
      await translated(() => sandbox.repairNode(request.params.name));
      await record(request, 'repair-node', request.params.name, {});
      return sandbox.view();
    },
  );

  app.post(
    '/nodes',
    {
      config: { auth: 'operator' },
      schema: {
        summary: 'Add simulated Kong nodes (each with its own kong.conf and agent)',
        tags,
        body: SandboxAddNodesBody,
        response: { 200: SandboxView, ...errorResponses },
      },
    },
    async (request) => {
      await sandbox.addNodes(request.body.count);
      await record(request, 'add-nodes', 'fleet', request.body);
      return sandbox.view();
    },
  );

  app.post(
    '/iam-users/:user/rds-iam',
    {
      config: { auth: 'operator' },
      schema: {
        summary: 'Revoke rds_iam from an IAM database user on the simulated instances, or grant it back',
        description:
          "Without rds_iam the user's IAM logins fail as on RDS (PAM authentication failed): nodes switching to IAM as that user fail their check and revert, nodes already on IAM count authentication failures. The sandbox grants it again at its next start.",
        tags,
        params: SandboxIamUserParams,
        body: SandboxRdsIamBody,
        response: { 200: SandboxView, ...errorResponses },
      },
    },
    async (request) => {
      await translated(() => sandbox.setRdsIam(request.params.user, request.body.hasRdsIam));
      await record(request, request.body.hasRdsIam ? 'grant-rds-iam' : 'revoke-rds-iam', request.params.user, {});
      return sandbox.view();
    },
  );
  done();
};
