import {
  AGENT_CREDENTIAL_PREFIX,
  ENROLLMENT_TOKEN_PREFIX,
  type CreateEnrollmentTokenBody,
  type CreatedEnrollmentToken,
  type EnrollBody,
  type EnrollResponse,
  type EnrollmentTokenList,
  type EnrollmentTokenView,
  type PageQuery,
} from '@iamroll/contracts';
import type { PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import type { EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import { actorOf, type Actor, type Principal } from '../auth/principal';
import { hashToken, issueToken, newToken } from '../auth/secrets';
import type { EnrollmentRepository, EnrollmentTokenRow } from './enrollment-repository';

function toView(row: EnrollmentTokenRow): EnrollmentTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdById: row.createdById,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    usesLeft: row.usesLeft,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export interface EnrollmentServiceDeps {
  readonly prisma: PrismaClient;
  readonly enrollment: EnrollmentRepository;
  readonly audit: AuditRepository;
  readonly events: EventBus;
  readonly now?: () => Date;
}

export function createEnrollmentService({
  prisma,
  enrollment,
  audit,
  events,
  now = () => new Date(),
}: EnrollmentServiceDeps) {
  return {
    async list(page: PageQuery): Promise<EnrollmentTokenList> {
      const { rows, total } = await enrollment.list(page);
      return { items: rows.map(toView), total };
    },

    async createToken(actor: Actor, userId: string, body: CreateEnrollmentTokenBody): Promise<CreatedEnrollmentToken> {
      const { token, tokenHash, prefix } = issueToken(ENROLLMENT_TOKEN_PREFIX);
      const expiresAt = new Date(now().getTime() + body.expiresInHours * 3_600_000);
      const row = await prisma.$transaction(async (tx) => {
        const created = await enrollment.create(
          { name: body.name, tokenHash, prefix, createdById: userId, expiresAt, usesLeft: body.uses },
          tx,
        );
        await audit.record(
          {
            actor,
            action: 'enrollment_token.create',
            subjectType: 'enrollment_token',
            subjectId: created.id,
            reason: body.reason,
            data: { name: created.name, uses: body.uses, expiresAt: expiresAt.toISOString() },
          },
          tx,
        );
        return created;
      });
      return { token, enrollmentToken: toView(row) };
    },

    async revokeToken(actor: Actor, id: string, reason: string | undefined): Promise<EnrollmentTokenView> {
      const row = await prisma.$transaction(async (tx) => {
        const current = await enrollment.findById(id, tx);
        if (!current) throw AppError.notFound('The enrollment token');
        if (current.revokedAt) return current;
        const revoked = await enrollment.revoke(id, now(), tx);
        await audit.record(
          {
            actor,
            action: 'enrollment_token.revoke',
            subjectType: 'enrollment_token',
            subjectId: id,
            reason,
            data: { name: current.name },
          },
          tx,
        );
        return revoked;
      });
      return toView(row);
    },

    /** Registers a node and issues its agent credential, shown only in this response. */
    async enroll(principal: Extract<Principal, { kind: 'enrollment' }>, body: EnrollBody): Promise<EnrollResponse> {
      const credential = newToken(AGENT_CREDENTIAL_PREFIX);
      const node = await prisma.$transaction(async (tx) => {
        if (principal.tokenId && !(await enrollment.takeUse(principal.tokenId, now(), tx))) {
          throw AppError.unauthenticated(
            'This enrollment token has been used up, revoked or has expired: ask an admin for a new one.',
          );
        }
        const created = await enrollment.createNode(body, tx);
        await enrollment.createAgentCredential(created.id, hashToken(credential), tx);
        await audit.record(
          {
            actor: actorOf(principal),
            action: 'node.enroll',
            subjectType: 'node',
            subjectId: created.id,
            data: {
              hostname: body.hostname,
              kongVersion: body.kongVersion,
              role: body.role,
              agentVersion: body.agentVersion,
            },
          },
          tx,
        );
        await events.notifyIn(tx, 'node.enrolled', { id: created.id, hostname: created.hostname });
        return created;
      });
      return { nodeId: node.id, credential };
    },
  };
}

export type EnrollmentService = ReturnType<typeof createEnrollmentService>;
