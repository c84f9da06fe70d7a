// The only source of "now", and of periodic work. Services take a Clock so
// tests (and the development-only x-dev-time header) can move time without
// sleeping; a ManualClock also runs the periodic tasks whose time has come, so
// a test that moves the clock past an interval runs what the server would.
export interface Clock {
  now(): Date;
  /**
   * Runs `task` every `intervalMs`, first one interval from now, off the
   * request path. Runs never overlap; a task that throws is run again at its
   * next turn (tasks log their own errors). Returns a function that stops it.
   */
  every(intervalMs: number, task: () => Promise<void>): () => void;
}

const quiet = (task: () => Promise<void>) => task().catch(() => {});

export const systemClock: Clock = {
  now: () => new Date(),
  every(intervalMs, task) {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void quiet(task).finally(() => {
        running = false;
      });
    }, intervalMs);
    // Periodic work alone does not keep the process alive.
    timer.unref();
    return () => clearInterval(timer);
  },
};

interface ManualTask {
  readonly intervalMs: number;
  readonly task: () => Promise<void>;
  due: number;
  running?: Promise<void> | undefined;
}

/** A clock that stands still until told to move; for tests. */
export class ManualClock implements Clock {
  #now: number;
  readonly #tasks = new Set<ManualTask>();
  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.#now = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#now);
  }
  every(intervalMs: number, task: () => Promise<void>): () => void {
    const entry: ManualTask = { intervalMs, task, due: this.#now + intervalMs };
    this.#tasks.add(entry);
    return () => this.#tasks.delete(entry);
  }
  /** Moves time on and starts every periodic task that has come due (once each). */
  advance(ms: number): void {
    this.#now += ms;
    this.#runDue();
  }
  set(at: Date | string): void {
    this.#now = new Date(at).getTime();
    this.#runDue();
  }
  /** Moves time on and waits for the periodic tasks that came due. */
  async tick(ms: number): Promise<void> {
    this.advance(ms);
    await this.settle();
  }
  /** Waits for every periodic task that is running. */
  async settle(): Promise<void> {
    await Promise.all([...this.#tasks].map((t) => t.running));
  }
  /** Periodic tasks registered and not stopped (tests check that a part scheduled its work). */
  get scheduled(): number {
    return this.#tasks.size;
  }
  #runDue(): void {
    for (const entry of this.#tasks) {
      if (entry.due > this.#now || entry.running) continue;
      entry.due = this.#now + entry.intervalMs;
      entry.running = quiet(entry.task).finally(() => {
        entry.running = undefined;
      });
    }
  }
}
