import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const accountErrors = defineErrors({
  account_disabled: { kind: 'forbidden', title: 'The account is disabled' },
  username_taken: { kind: 'conflict', title: 'The username is taken' },
  email_taken: { kind: 'conflict', title: 'An account with this email exists' },
  user_not_found: { kind: 'not_found', title: 'No such user' },
  invite_required: { kind: 'forbidden', title: 'Sign-up needs an invite code' },
});

export const accountError = errorFactory(accountErrors);
