import type { Generated } from 'kysely';

export type UserStatus = 'active' | 'banned' | 'deleted';
export type UserRole = 'user' | 'admin';

/**
 * Roles that run the service rather than use it. They are not public: others
 * see a staff account with the business role it also holds (`user`), and only
 * staff may filter the directory by a staff role.
 */
export const USER_ROLES: readonly UserRole[] = ['user', 'admin'];
export const STAFF_ROLES: readonly UserRole[] = ['admin'];
export const isStaffRole = (role: UserRole): boolean => STAFF_ROLES.includes(role);
/** The role others are shown: a business role as it is, a staff role as `user`. */
export const publicRole = (role: UserRole): UserRole => (isStaffRole(role) ? 'user' : role);

export interface UsersTable {
  id: string;
  email: string | null;
  email_verified_at: string | null;
  username: string | null;
  phone: string | null;
  phone_verified_at: string | null;
  first_name: string | null;
  last_name: string | null;
  role: Generated<UserRole>;
  status: Generated<UserStatus>;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    users: UsersTable;
  }
}
