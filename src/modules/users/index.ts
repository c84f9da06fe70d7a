// The users module's entry: what other modules and faces may use of it.
export {
  EMAIL_INPUT_PATTERN,
  EMAIL_MAX_LENGTH,
  normaliseEmail,
  normalisePhone,
  normaliseUsername,
  PHONE_INPUT_MAX_LENGTH,
  parseEmail,
  parseIdentifier,
  parseUsername,
  USERNAME_DESCRIPTION,
  USERNAME_INPUT_PATTERN,
  USERNAME_MAX,
  USERNAME_MESSAGE,
  USERNAME_MIN,
  USERNAME_PATTERN,
} from './identifiers.ts';
export { userError } from './users.errors.ts';
export type { NewUser, StandingChange } from './users.repository.ts';
// Look-ups only: every write to the record goes through UsersService, which
// runs the lifecycle hook that follows it.
export {
  findUserByEmail,
  findUserById,
  findUserByUsername,
  findUserByVerifiedPhone,
  findUsersByIds,
  isListed,
  isSubscribed,
  listedUser,
  listUnverifiedBefore,
  listUsers,
  lockUnverifiedBefore,
  roleOfActive,
  type User,
} from './users.repository.ts';
export { createUsersService, type UsersService } from './users.service.ts';
export type { UserStatus } from './users.table.ts';
export {
  BUILT_IN_ROLES,
  isStaffRole,
  publicRole,
  STAFF_ROLES,
  type UserRole,
  VERIFICATIONS,
  type Verification,
} from './users.table.ts';
