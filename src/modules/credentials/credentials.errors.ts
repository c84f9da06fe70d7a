import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const credentialErrors = defineErrors({
  invalid_credentials: { kind: 'unauthenticated', title: 'The identifier or password is incorrect' },
  invalid_password: { kind: 'forbidden', title: 'The current password is incorrect' },
  reauthentication_required: {
    kind: 'forbidden',
    title: 'This change needs fresh proof that you are the account owner',
  },
  weak_password: { kind: 'invalid', title: 'The password does not meet the policy' },
});

export const credentialError = errorFactory(credentialErrors);
