import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const accountErrors = defineErrors({
  email_taken: { kind: 'conflict', title: 'An account with this email exists' },
});

export const accountError = errorFactory(accountErrors);
