import { dbUserProblem } from './identifiers';
import type { EffectiveConfig } from './effective';
import type { LintFinding } from './lint/index';
import type { IamStage, StagePlanOptions } from './plan';

// Who Kong logs in as at each stage. The Amazon RDS rule behind all of it: a member of
// rds_iam can log in ONLY with an IAM token. So moving to IAM means a dedicated user
// (default <current user>_iam), and leaving IAM means returning to a password user,
// which iamroll cannot guess once the node is on IAM.

export interface Desired {
  readonly rwIam: boolean;
  readonly rwUser: string | null;
  readonly roIam: boolean;
  readonly roUser: string | null;
}

interface Decision {
  readonly desired: Desired;
  readonly blockers: LintFinding[];
  readonly notes: string[];
}

export function blocker(rule: string, key: string, message: string, fix: string): LintFinding {
  return { rule, severity: 'error', key, message, fix };
}

export function decide(
  effective: EffectiveConfig,
  isRoUserExplicit: boolean,
  to: IamStage,
  options: StagePlanOptions,
): Decision {
  const { rw, ro } = effective;
  const blockers: LintFinding[] = [];
  const notes: string[] = [];
  const passwordUserFor = (which: 'rw' | 'ro', current: string | null, isIam: boolean): string | null => {
    if (options.passwordUser !== undefined) return options.passwordUser;
    if (!isIam) return current;
    if (which === 'ro' && !rw.iam && rw.user !== null) {
      notes.push(
        `The read-only connection returns to ${rw.user}, the read-write password user; pass --password-user if it used another user.`,
      );
      return rw.user;
    }
    blockers.push(
      blocker(
        'plan-password-user',
        which === 'rw' ? 'pg_user' : 'pg_ro_user',
        `The ${which === 'rw' ? 'read-write' : 'read-only'} connection is on IAM as ${current ?? '(no user)'}, a member of rds_iam, which can only log in with IAM: iamroll cannot tell which password user to return to.`,
        'Pass --password-user NAME (the user Kong used before IAM), or apply the rollback edits printed when the IAM stage was planned.',
      ),
    );
    return current;
  };
  const iamUserFor = (current: string | null, isIam: boolean, fallback?: string | null): string | null => {
    if (options.iamUser !== undefined) return options.iamUser;
    if (isIam) return current;
    if (fallback !== undefined && fallback !== null) return fallback;
    return current === null ? null : `${current}_iam`;
  };

  if (to === 'password') {
    const rwUser = passwordUserFor('rw', rw.user, rw.iam);
    // A read-only connection that inherits pg_user follows the read-write user back.
    const roUser =
      ro === null ? null : ro.iam ? passwordUserFor('ro', ro.user, true) : isRoUserExplicit ? ro.user : rwUser;
    return { desired: { rwIam: false, rwUser, roIam: false, roUser }, blockers, notes };
  }
  const rwIamUser = to === 'rw_iam' ? iamUserFor(rw.user, rw.iam) : null;
  const desired: Desired = {
    rwIam: to === 'rw_iam',
    rwUser: to === 'rw_iam' ? rwIamUser : passwordUserFor('rw', rw.user, rw.iam),
    roIam: ro !== null,
    roUser: ro === null ? null : iamUserFor(ro.user, ro.iam, to === 'rw_iam' && ro.user === rw.user ? rwIamUser : null),
  };
  return { desired, blockers, notes };
}

export function optionError(options: StagePlanOptions): string | null {
  for (const [option, name] of [
    ['--iam-user', options.iamUser],
    ['--password-user', options.passwordUser],
  ] as const) {
    const problem = name === undefined ? null : dbUserProblem(name);
    if (problem !== null) return `${option} ${JSON.stringify(name)} cannot be a database user name: ${problem}.`;
  }
  return null;
}

export function userBlockers(before: EffectiveConfig, desired: Desired): LintFinding[] {
  const found: LintFinding[] = [];
  if (desired.rwUser === null || (desired.roIam && desired.roUser === null)) {
    found.push(
      blocker(
        'plan-user-invalid',
        'pg_user',
        'pg_user is empty, so iamroll cannot name the database user.',
        'Pass --iam-user NAME (or --password-user NAME).',
      ),
    );
  }
  // Users Kong logs in with by password today (and not also through IAM, which would mean rds_iam already).
  const connections = [before.rw, ...(before.ro === null ? [] : [before.ro])];
  const iamUsersNow = new Set(connections.filter((c) => c.iam).map((c) => c.user));
  const passwordUsers = new Set(
    connections.filter((c) => !c.iam && c.user !== null && !iamUsersNow.has(c.user)).map((c) => c.user),
  );
  const newIamUsers = [desired.rwIam ? desired.rwUser : null, desired.roIam ? desired.roUser : null];
  for (const user of new Set(newIamUsers)) {
    if (user === null || !passwordUsers.has(user)) continue;
    found.push(
      blocker(
        'plan-iam-user-is-password-user',
        'pg_user',
        `The IAM user would be ${user}, a user Kong logs in with by password today: once granted rds_iam it can only log in with IAM, so every node still on passwords, and any rollback, would fail.`,
        `Use a dedicated IAM user (e.g. --iam-user ${user}_iam) and keep ${user} for passwords.`,
      ),
    );
  }
  return found;
}
