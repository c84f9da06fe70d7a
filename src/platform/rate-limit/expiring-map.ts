// A Map whose entries expire, with a hard cap, so the memory store cannot grow
// without bound however many distinct keys (IPs, emails) it sees. Expired
// entries are dropped when read and by a sweep at most once per
// `sweepIntervalMs`; above `maxEntries` the least recently written entries go
// first. Evicting a live counter forgets it (fails open for that key), which is
// why the cap is generous and recent writers, i.e. active attackers, stay.

export interface ExpiringMapOptions {
  readonly maxEntries: number;
  readonly sweepIntervalMs: number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

export class ExpiringMap<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #options: ExpiringMapOptions;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: ExpiringMapOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number, now: number): void {
    // Delete first so the key moves to the end of the insertion order (recency).
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    // The full scan is rate limited so a flood of new keys costs O(1) each.
    if (now - this.#lastSweep >= this.#options.sweepIntervalMs) this.#sweepExpired(now);
    if (this.#entries.size > this.#options.maxEntries)
      this.#dropOldest(this.#entries.size - this.#options.maxEntries);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  #sweepExpired(now: number): void {
    this.#lastSweep = now;
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  #dropOldest(count: number): void {
    for (const key of this.#entries.keys()) {
      if (count-- <= 0) return;
      this.#entries.delete(key);
    }
  }
}
