// The otp module's entry: what other modules and faces may use of it.
export { codeOrToken } from './code-or-token.ts';
export { otpError } from './otp.errors.ts';
export { createOtpService, type OtpPurpose, type OtpService } from './otp.service.ts';
export {
  type Attempt,
  createSingleUse,
  keyedHash,
  type SingleUse,
  type SingleUseState,
  type SingleUseStore,
  sameHash,
} from './single-use-secret.ts';
