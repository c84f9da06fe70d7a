// Sent on "forgot password" to an address that has an account.
import { checkedLink, html } from './html.ts';
import { button, codeBlock, DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface PasswordResetCodeInput {
  readonly code: string;
  readonly link: string;
  readonly minutes: number;
  readonly appName?: string;
}

export function passwordResetCode(input: PasswordResetCodeInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  const link = checkedLink(input.link);
  return layout({
    appName,
    subject: `Reset your ${appName} password`,
    text: [
      `Your ${appName} password reset code is: ${input.code}`,
      `Or open this link to choose a new password:\n${link}`,
      `The code and the link expire in ${input.minutes} minutes.`,
      'If you did not ask to reset your password, ignore this message: your password stays as it is.',
    ],
    body: html`${p(`Enter this code to reset your ${appName} password:`)}
${codeBlock(input.code)}
${p('Or choose a new password directly:')}
${button(link, 'Reset my password')}
${p(`The code and the link expire in ${input.minutes} minutes.`)}
${p('If you did not ask to reset your password, ignore this message: your password stays as it is.')}`,
  });
}
