import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const otpErrors = defineErrors({
  invalid_code: { kind: 'invalid', title: 'The code is incorrect' },
  otp_expired: { kind: 'invalid', title: 'The code has expired; request a new one' },
  oti_expired: { kind: 'invalid', title: 'The one-time id is unknown, used or expired; request a new code' },
  invalid_link: { kind: 'invalid', title: 'The link is invalid, used or expired' },
});

export const otpError = errorFactory(otpErrors);
