// Who is asking, as far as security decisions and the audit trail need it.
// Built by the HTTP layer (src/http/request-context.ts) from the socket and
// the proxies TRUST_PROXY names; the domain never reads headers itself.
export interface RequestContext {
  /** Client address: the socket's, or X-Forwarded-For's when the proxy is trusted. */
  readonly ip: string;
  readonly userAgent: string | null;
}

/** The context of work that no HTTP request started (the CLI, workers). */
export const SYSTEM_CONTEXT: RequestContext = Object.freeze({ ip: '127.0.0.1', userAgent: 'roster-cli' });
