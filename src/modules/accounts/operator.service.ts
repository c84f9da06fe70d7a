// What an operator does from the command line: create accounts (the first
// admin, scripted set-up), look users up, ban and delete them. Runs in its
// own process beside the server; mail goes through the shared outbox, so the
// server's worker delivers it.

import { type Permission, policy } from '../../platform/auth/policy.ts';
import { auditActor, type Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.ts';
import { checkPassword } from '../../platform/crypto/password-policy.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { commonError } from '../../platform/errors.ts';
import { isId, newId } from '../../platform/ids.ts';
import { SYSTEM_CONTEXT } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import type { SessionsService } from '../sessions/index.ts';
import type { UserRole, UsersService } from '../users/index.ts';
import {
  findUserByEmail,
  findUserById,
  findUserByVerifiedPhone,
  listUsers,
  normaliseEmail,
  normalisePhone,
  roleOfActive,
  type User,
  userError,
} from '../users/index.ts';
import { accountError } from './accounts.errors.ts';
import type { AccountsService } from './accounts.service.ts';
import { type CreateAccountDeps, createAccount } from './create-account.ts';

export interface OperatorDeps extends CreateAccountDeps {
  readonly users: CreateAccountDeps['users'] & Pick<UsersService, 'updateStatus'>;
  readonly db: Executor;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  readonly sessions: SessionsService;
  readonly accounts: AccountsService;
  readonly passwordMinLength: number;
}

export function createOperatorService(deps: OperatorDeps) {
  const { db, clock, hasher, sessions, accounts } = deps;

  async function findUser(idOrEmail: string): Promise<User> {
    const user = isId(idOrEmail)
      ? await findUserById(db, idOrEmail)
      : await findUserByEmail(db, normaliseEmail(idOrEmail));
    if (!user) throw userError('user_not_found');
    return user;
  }

  /** The policy's check; a user principal's role is read here when the permission needs it. */
  async function authorize(principal: Principal, permission: Permission): Promise<void> {
    await policy.authorize(principal, permission, roleOfActive(db));
  }

  return {
    /** An account by id or address (`users:read`). */
    async findUser(principal: Principal, idOrEmail: string): Promise<User> {
      await authorize(principal, 'users:read');
      return findUser(idOrEmail);
    },

    /** The account a verified number signs in to (`users:read`: service keys and admins). */
    async findByPhone(principal: Principal, phoneInput: string): Promise<User> {
      await authorize(principal, 'users:read');
      const phone = normalisePhone(phoneInput);
      const user = phone ? await findUserByVerifiedPhone(db, phone) : null;
      if (!user || user.status === 'deleted') throw userError('user_not_found');
      return user;
    },

    /** Whether an address or a verified number has an account (`users:read`: service keys and admins). */
    async exists(
      principal: Principal,
      input: { email?: string | undefined; phone?: string | undefined },
    ): Promise<boolean> {
      await authorize(principal, 'users:read');
      if ((input.email === undefined) === (input.phone === undefined))
        throw commonError('validation_failed', {
          detail: 'Send exactly one of email and phone.',
          errors: [{ path: 'email', message: 'send exactly one of email and phone' }],
        });
      if (input.email !== undefined) return (await findUserByEmail(db, normaliseEmail(input.email))) !== null;
      const phone = normalisePhone(input.phone ?? '');
      return phone !== null && (await findUserByVerifiedPhone(db, phone)) !== null;
    },

    /**
     * Creates a verified account (unless `verified` is false, then a
     * verification mail is queued). `users:write`; the audit names the actor.
     */
    async createUser(
      principal: Principal,
      input: { email: string; password: string; role: UserRole; verified: boolean },
    ): Promise<User> {
      await authorize(principal, 'users:write');
      const email = normaliseEmail(input.email);
      const errors = checkPassword(input.password, {
        minLength: deps.passwordMinLength,
        context: [email, email.split('@')[0]],
      });
      if (errors.length > 0)
        throw commonError('validation_failed', {
          detail: errors.map((e) => `${e.path} ${e.message}`).join('; '),
          errors,
        });
      const secret = await hasher.hash(input.password);
      const now = clock.now().toISOString();
      const id = newId();
      try {
        await inTransaction(db, async (trx) => {
          await createAccount(
            trx,
            deps,
            {
              id,
              email,
              emailVerifiedAt: input.verified ? now : null,
              username: null,
              phone: null,
              firstName: null,
              lastName: null,
              role: input.role,
              passwordHash: secret,
              auditDetail: { ...auditActor(principal.actor), role: input.role },
            },
            SYSTEM_CONTEXT,
            new Date(now),
          );
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw accountError('email_taken');
        throw error;
      }
      if (!input.verified) await accounts.requestVerification(id);
      return (await findUserById(db, id))!;
    },

    /** Newest first; `before` is the last id of the previous page (`users:read`). */
    async list(principal: Principal, options: { limit: number; before?: string }): Promise<User[]> {
      await authorize(principal, 'users:read');
      return listUsers(db, { limit: options.limit, ...(options.before ? { beforeId: options.before } : {}) });
    },

    /** Disables sign-in and ends every session (`users:write`; the audit names the actor). */
    async banUser(principal: Principal, idOrEmail: string): Promise<User> {
      await authorize(principal, 'users:write');
      const user = await findUser(idOrEmail);
      if (user.status === 'deleted') throw userError('user_not_found');
      const now = clock.now();
      await inTransaction(db, async (trx) => {
        await deps.users.updateStatus(trx, user.id, 'banned', now.toISOString());
        await recordAudit(
          trx,
          {
            type: 'account.banned',
            userId: user.id,
            context: SYSTEM_CONTEXT,
            detail: auditActor(principal.actor),
          },
          now,
        );
        await sessions.revokeUserSessionsIn(trx, user.id, 'account_banned');
      });
      return (await findUserById(db, user.id))!;
    },

    /** Erases the account (`users:write`). */
    async deleteUser(principal: Principal, idOrEmail: string): Promise<void> {
      await authorize(principal, 'users:write');
      const user = await findUser(idOrEmail);
      if (user.status === 'deleted') throw userError('user_not_found');
      await accounts.eraseAccount(user, SYSTEM_CONTEXT, auditActor(principal.actor));
    },
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;
