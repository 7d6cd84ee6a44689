import type {
  CreateRolloutBody,
  RolloutControl,
  RolloutList,
  RolloutPreview,
  RolloutSpecBody,
  RolloutView,
  RolloutsQuery,
} from '@iamroll/contracts';
import {
  newRolloutState,
  normaliseRolloutSpec,
  previewRollout,
  stepHash,
  type RolloutSpec,
  type RolloutState,
} from '@iamroll/core/rollout';
import type { Db, PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import type { Actor } from '../auth/principal';
import type { DatabaseDirectory } from '../databases/database-directory';
import type { AssertNodesFree } from './rollout-claims';
import type { RolloutPass } from './rollout-pass';
import type { BackupRelease } from './rollout-release';
import type { ObserveRollouts } from './rollout-observations';
import { toRolloutSummary, toRolloutView } from './rollout-view';
import type { RolloutRow, RolloutsRepository } from './rollouts-repository';

export interface RolloutsServiceDeps {
  readonly prisma: PrismaClient;
  readonly rollouts: RolloutsRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly directory: DatabaseDirectory;
  readonly observe: ObserveRollouts;
  readonly pass: RolloutPass;
  readonly release: BackupRelease;
  readonly assertNodesFree: AssertNodesFree;
  readonly nowMs: () => number;
}

const nameOf = (actor: Actor): string => actor.actorName ?? actor.actorId ?? actor.actorType;

/** The body's spec fields, validated by the engine: every problem at once, each naming its field. */
function specOf(body: RolloutSpecBody, directory: DatabaseDirectory): RolloutSpec {
  const { reason: _reason, start: _start, ...fields } = body as CreateRolloutBody;
  const result = normaliseRolloutSpec(fields);
  const errors = result.isValid ? [] : [...result.errors];
  if (result.isValid && result.spec.scope.kind === 'database' && !directory.get(result.spec.scope.databaseId))
    errors.push({ field: 'scope.databaseId', message: 'matches no registered database' });
  if (errors.length > 0 || !result.isValid)
    throw new AppError(
      'validation',
      `The rollout spec is invalid: ${errors.map((e) => `${e.field || 'body'} ${e.message}`).join('; ')}.`,
      errors.map((e) => ({ path: `body${e.field ? `.${e.field}` : ''}`, message: e.message })),
    );
  return result.spec;
}

export function createRolloutsService(deps: RolloutsServiceDeps) {
  const { prisma, rollouts, audit, events, directory, observe, pass, release, assertNodesFree, nowMs } = deps;
  const view = async (row: RolloutRow): Promise<RolloutView> => {
    const ids = (row.state as { nodes?: { nodeId: string }[] }).nodes?.map((n) => n.nodeId) ?? [];
    return toRolloutView(row, await rollouts.hostnames([...new Set(ids)]));
  };

  return {
    /** No side effects: what the rollout would do on the fleet as it is now. */
    async preview(body: RolloutSpecBody): Promise<RolloutPreview> {
      const spec = specOf(body, directory);
      return previewRollout(spec, await observe(nowMs())) as RolloutPreview;
    },

    async create(actor: Actor, body: CreateRolloutBody): Promise<RolloutView> {
      const spec = specOf(body, directory);
      const atMs = nowMs();
      const state = newRolloutState(spec, {
        isStarted: body.start ?? true,
        by: nameOf(actor),
        reason: body.reason,
        atMs,
      });
      const observations = await observe(atMs);
      const row = await prisma.$transaction(async (tx) => {
        await assertNodesFree({ id: null, spec, state }, observations, atMs, tx);
        const created = await rollouts.create(
          { spec, state, stepHash: stepHash(spec), reason: body.reason, createdBy: nameOf(actor) },
          tx,
        );
        await audit.record(
          {
            actor,
            action: 'rollout.create',
            subjectType: 'rollout',
            subjectId: created.id,
            reason: body.reason,
            data: { scope: spec.scope, status: state.status },
          },
          tx,
        );
        await events.notifyIn(tx, 'rollout.created', toRolloutSummary(created));
        return created;
      });
      return view(row);
    },

    async list(query: RolloutsQuery): Promise<RolloutList> {
      const { rows, total } = await rollouts.list(query);
      return { items: rows.map(toRolloutSummary), total };
    },

    async get(id: string): Promise<RolloutView> {
      const row = await rollouts.findById(id);
      if (!row) throw AppError.notFound('The rollout');
      return view(row);
    },

    /** A control is one decide() pass with it: refused (409, the engine's reason) or committed with its audit entry. */
    async control(
      actor: Actor,
      id: string,
      kind: RolloutControl | 'override-ro-before-rw',
      reason: string,
      isAdmin: boolean,
    ): Promise<RolloutView> {
      if (kind === 'rollback') await release.assertRollbackPossible(id);
      if (kind === 'finalize') {
        const released = await release.release(actor, id, reason);
        if (released) return view(released);
      }
      const atMs = nowMs();
      const observations = await observe(atMs);
      const { row } = await pass(id, observations, atMs, {
        request: { kind, by: nameOf(actor), reason, atMs, isAdmin },
        actor,
        // Starting a pending rollout claims its nodes: refused while another rollout holds any of them.
        ...(kind === 'start'
          ? {
              check: (locked: RolloutRow, tx: Db) =>
                assertNodesFree(
                  { id, spec: locked.spec as unknown as RolloutSpec, state: locked.state as unknown as RolloutState },
                  observations,
                  atMs,
                  tx,
                ),
            }
          : {}),
      });
      return view(row);
    },
  };
}

export type RolloutsService = ReturnType<typeof createRolloutsService>;
