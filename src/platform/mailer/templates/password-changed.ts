// Sent after every password change or reset, so a takeover does not go unseen.
import { checkedLink, html } from './html.ts';
import { button, DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface PasswordChangedInput {
  readonly when: Date | string;
  /** Address the change came from, when known. */
  readonly ip?: string | null;
  /** Where to reset the password if the change was not the user's. */
  readonly resetLink?: string;
  readonly appName?: string;
}

/** `2026-01-01 09:30 UTC`: readable in every locale, no time zone guess. */
export const formatUtc = (when: Date | string): string =>
  `${new Date(when).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function passwordChanged(input: PasswordChangedInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  const when = formatUtc(input.when);
  const from = input.ip ? ` from IP address ${input.ip}` : '';
  const resetLink = input.resetLink === undefined ? undefined : checkedLink(input.resetLink);
  const notYou = `If you did not change it, reset your password now${resetLink ? '' : ' with "Forgot password"'} and review your active sessions.`;
  return layout({
    appName,
    subject: `Your ${appName} password was changed`,
    text: [
      `The password of your ${appName} account was changed on ${when}${from}.`,
      'If this was you, there is nothing else to do.',
      resetLink ? `${notYou}\n${resetLink}` : notYou,
    ],
    body: html`${p(`The password of your ${appName} account was changed on ${when}${from}.`)}
${p('If this was you, there is nothing else to do.')}
${p(notYou)}
${resetLink ? button(resetLink, 'Reset my password') : ''}`,
  });
}
