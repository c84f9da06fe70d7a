import type { Generated } from 'kysely';

export type UserStatus = 'active' | 'banned' | 'deleted';
export type UserRole = 'user' | 'admin';

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
