// The tables as the application sees them. The interface starts empty: each
// module declares its tables in its own `*.table.ts` and adds them here by
// declaration merging (`declare module '…/database.types.ts'`), so the
// platform layer names no module and Kysely still sees every table.
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging; a type alias cannot be
export interface Tables {}
