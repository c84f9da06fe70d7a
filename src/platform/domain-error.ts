// The one error type of the domain. Services throw DomainError with a stable
// code from a module's catalogue; only src/http/error-handler.ts turns the
// error's kind into an HTTP status, and compatibility surfaces into their own
// envelopes.

/** What went wrong, independent of any transport. */
export type ErrorKind =
  | 'invalid' // the request is malformed or breaks a rule (422)
  | 'bad_request' // unparseable input (400)
  | 'unauthenticated' // missing or wrong credentials (401)
  | 'forbidden' // authenticated but not allowed (403)
  | 'not_found' // absent or hidden from this caller (404)
  | 'conflict' // clashes with current state (409)
  | 'gone' // existed but expired or used (410)
  | 'too_large' // payload above the limit (413)
  | 'unsupported' // media type not accepted (415)
  | 'unsatisfiable' // a byte range outside the object (416)
  | 'rate_limited' // slow down (429)
  | 'unavailable' // a dependency is down or the node is overloaded (503)
  | 'internal'; // a bug (500)

export interface ErrorDefinition {
  readonly kind: ErrorKind;
  /** Short public title, the same for every occurrence of the code. */
  readonly title: string;
}

/** A module's catalogue: code -> definition. Codes are snake_case wire names. */
export type ErrorCatalogue = Readonly<Record<string, ErrorDefinition>>;

export const defineErrors = <const C extends ErrorCatalogue>(catalogue: C): C => catalogue;

export interface FieldError {
  /** Dotted path of the offending field (`email`, `name.first`, `query.limit`). */
  readonly path: string;
  readonly message: string;
}

export interface DomainErrorOptions {
  /** Public explanation of this occurrence; shown to the caller. */
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** Seconds the caller should wait (rate limits). */
  readonly retryAfter?: number;
  /** Internal context for logs only; never sent to the caller. */
  readonly internal?: string;
  readonly cause?: unknown;
}

export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly title: string;
  readonly detail: string;
  readonly errors: readonly FieldError[] | undefined;
  readonly retryAfter: number | undefined;
  readonly internal: string | undefined;

  constructor(code: string, definition: ErrorDefinition, options: DomainErrorOptions = {}) {
    super(options.internal ?? options.detail ?? definition.title, { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.kind = definition.kind;
    this.title = definition.title;
    this.detail = options.detail ?? definition.title;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
    this.internal = options.internal;
  }
}

/**
 * Binds a catalogue to a thrower: `const fail = errorFactory(accountErrors)`,
 * then `throw fail('email_taken', { detail })`. The code is type-checked
 * against the catalogue.
 */
export const errorFactory =
  <C extends ErrorCatalogue>(catalogue: C) =>
  (code: keyof C & string, options?: DomainErrorOptions): DomainError =>
    new DomainError(code, catalogue[code]!, options);
