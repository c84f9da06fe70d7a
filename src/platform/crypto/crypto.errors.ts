// Codes thrown by the crypto adapters themselves (not by a business rule).
import { defineErrors, errorFactory } from '../domain-error.ts';

export const cryptoErrors = defineErrors({
  // Load shedding: the password hasher's queue is full. Callers get a fast 503
  // with Retry-After instead of waiting behind a login storm.
  server_busy: { kind: 'unavailable', title: 'The server is busy; please retry shortly' },
});

export const cryptoError = errorFactory(cryptoErrors);
