import type { Generated } from 'kysely';

export type UserStatus = 'active' | 'banned' | 'deleted';
/**
 * `user`, the staff role `admin`, or a business role the operator names
 * (ROSTER_ROLES: `partner`, say). Business roles grant what `user` grants.
 */
export type UserRole = string;

/** Identity verification (KYC) as the operator's process reports it; null: never asked. */
export type Verification = 'pending' | 'verified' | 'rejected';
export const VERIFICATIONS: readonly Verification[] = ['pending', 'verified', 'rejected'];

/** The roles every deployment has. */
export const BUILT_IN_ROLES: readonly UserRole[] = ['user', 'admin'];
/**
 * Roles that run the service rather than use it. They are not public: others
 * see a staff account with the business role it also holds (`user`), and only
 * staff may filter the directory by a staff role.
 */
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
  /** Set by staff and service keys (`scores:write`); read-only to the user. */
  score: Generated<number>;
  /** One of ROSTER_ACCOUNT_TYPES, or null. */
  account_type: string | null;
  verification: Verification | null;
  /** One of ROSTER_SUBSCRIPTION_TIERS, or null; set by staff and service keys (`subscriptions:write`). */
  subscription_tier: string | null;
  /** When the subscription ends; null with a tier: until staff end it. */
  subscription_expires_at: string | null;
  /** A flag staff set for the apps to act on; Roster itself changes nothing for it. SQLite and PostgreSQL store 0/1. */
  restricted: Generated<number>;
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
