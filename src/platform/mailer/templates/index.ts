// Every mail the service sends, in one place. Each template returns
// { subject, text, html }; links arrive fully built (from PUBLIC_URL).
export { accountDeleted } from './account-deleted.ts';
export { changesUndone } from './changes-undone.ts';
export { escapeHtml, html, SafeHtml } from './html.ts';
export type { MailContent } from './layout.ts';
export { loginCode } from './login-code.ts';
export { mfaChanged } from './mfa-changed.ts';
export { mfaSetupCode } from './mfa-code.ts';
export { passwordChanged } from './password-changed.ts';
export { passwordResetCode } from './password-reset-code.ts';
export { signupAttempt } from './signup-attempt.ts';
export { verifyEmail } from './verify-email.ts';
