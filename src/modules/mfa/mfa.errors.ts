import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const mfaErrors = defineErrors({
  invalid_mfa_code: { kind: 'unauthenticated', title: 'The second-factor code is incorrect' },
  invalid_mfa_token: {
    kind: 'unauthenticated',
    title: 'The MFA sign-in expired or is unknown; sign in again',
  },
  mfa_method_unavailable: { kind: 'invalid', title: 'That method is not set up for this account' },
  mfa_already_enabled: { kind: 'conflict', title: 'That factor is already on' },
  mfa_not_pending: { kind: 'conflict', title: 'Start the set-up of that factor first' },
});

export const mfaError = errorFactory(mfaErrors);
