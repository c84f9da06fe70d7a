import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const phoneErrors = defineErrors({
  phone_taken: { kind: 'conflict', title: 'The number is verified on another account' },
  phone_already_linked: { kind: 'conflict', title: 'The number is already verified on this account' },
});

export const phoneError = errorFactory(phoneErrors);
