// Recognises a unique-constraint violation on either dialect, so services can
// turn a lost race (two sign-ups with one email) into a domain outcome.
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errcode?: number; message?: string } | null;
  if (!e) return false;
  // PostgreSQL: SQLSTATE 23505. SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) or PRIMARYKEY (1555).
  return e.code === '23505' || e.errcode === 2067 || e.errcode === 1555;
}
