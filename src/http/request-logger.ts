// Each request's logger (`request.log`), made only when something logs through
// it. Fastify gives every request a child of the app's logger bound to its id;
// with the redaction paths the app's logger needs, making that child costs
// more than a small request's own work, and most requests never log through
// it (the request line is written by request-log.ts).
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
type LogArgs = Parameters<LogFn>;

class DeferredChild {
  #made: FastifyBaseLogger | undefined;
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  /** The child Fastify would have made, made now. */
  made(): FastifyBaseLogger {
    this.#made ??= this.#parent.child(this.#bindings, this.#options);
    return this.#made;
  }

  get level(): string {
    return this.#made?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.made().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made().child(bindings, options);
  }

  silent(): void {}
}

// The six level methods, one shape: each makes the child and logs through it.
for (const level of LEVELS)
  Object.defineProperty(DeferredChild.prototype, level, {
    value(this: DeferredChild, ...args: LogArgs): void {
      (this.made()[level] as (...a: LogArgs) => void)(...args);
    },
  });

/** Fastify's `childLoggerFactory`. */
export const deferredRequestLogger = (
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger => new DeferredChild(logger, bindings, options) as unknown as FastifyBaseLogger;
