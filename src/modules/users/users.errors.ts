import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

// About the user record itself, so every module above it can say them
// without depending on the account lifecycle.
export const userErrors = defineErrors({
  account_disabled: { kind: 'forbidden', title: 'The account is disabled' },
  phone_verified: {
    kind: 'conflict',
    title: 'The account’s number is verified: it changes only by a code sent to the new one',
  },
  username_taken: { kind: 'conflict', title: 'The username is taken' },
  user_not_found: { kind: 'not_found', title: 'No such user' },
});

export const userError = errorFactory(userErrors);
