// Sent after sign-up and on "resend": proves the address belongs to the user.
import { checkedLink, html } from './html.ts';
import { button, codeBlock, DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface VerifyEmailInput {
  /** The 6-digit code. */
  readonly code: string;
  /** A link that verifies without typing the code. */
  readonly link: string;
  /** How long the code and the link stay valid. */
  readonly minutes: number;
  readonly appName?: string;
}

export function verifyEmail(input: VerifyEmailInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  const link = checkedLink(input.link);
  return layout({
    appName,
    subject: `Verify your email address for ${appName}`,
    text: [
      `Your ${appName} verification code is: ${input.code}`,
      `Or open this link to verify your address:\n${link}`,
      `The code and the link expire in ${input.minutes} minutes.`,
      `If you did not create an account with ${appName}, ignore this message.`,
    ],
    body: html`${p(`Enter this code to verify your email address for ${appName}:`)}
${codeBlock(input.code)}
${p('Or verify with one click:')}
${button(link, 'Verify my email address')}
${p(`The code and the link expire in ${input.minutes} minutes.`)}
${p(`If you did not create an account with ${appName}, ignore this message.`)}`,
  });
}
