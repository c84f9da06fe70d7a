// Column types that differ between the dialects. Both dialects hand the domain
// the same values: ISO-8601 strings for instants, JSON as text, booleans
// normalised by the repositories (SQLite stores 0/1).
import type { Dialect } from './database.ts';

export interface ColumnTypes {
  readonly timestamp: 'timestamptz' | 'text';
  readonly json: 'jsonb' | 'text';
  readonly boolean: 'boolean' | 'integer';
}

export const columnTypes = (dialect: Dialect): ColumnTypes =>
  dialect === 'postgres'
    ? { timestamp: 'timestamptz', json: 'jsonb', boolean: 'boolean' }
    : { timestamp: 'text', json: 'text', boolean: 'integer' };
