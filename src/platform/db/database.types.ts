// The tables as the application sees them. Each module declares its tables in
// its own `*.table.ts`; this interface gathers them for Kysely.
import type { OutboxMessagesTable } from '../outbox/outbox.table.ts';

export interface Tables {
  outbox_messages: OutboxMessagesTable;
}
