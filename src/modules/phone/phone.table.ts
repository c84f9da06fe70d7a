/** Networks (IPv4 /24, IPv6 /64) from which a number's owner has entered a right code. */
export interface PhoneNetworksTable {
  phone: string;
  network: string;
  /** The account the code signed in to or was linked to (erasure removes its rows). */
  user_id: string | null;
  verified_at: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    phone_networks: PhoneNetworksTable;
  }
}
