// Sent whenever a second factor is turned on or off, recovery codes are
// replaced or the phone number changes, so a takeover that weakens the
// account does not go unseen. The link undoes the change and ends every
// session: one click for an owner whose session was stolen.
import { checkedLink, html } from './html.ts';
import { button, DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface MfaChangedInput {
  /** What changed, e.g. "An authenticator app was turned on". */
  readonly change: string;
  /** Undoes the change and signs out everywhere. */
  readonly undoLink?: string;
  readonly appName?: string;
}

export function mfaChanged(input: MfaChangedInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  const undoLink = input.undoLink === undefined ? undefined : checkedLink(input.undoLink);
  const warning = undoLink
    ? 'If this was not you, undo it with the link below: that also signs the account out everywhere. Then reset your password.'
    : `If this was not you, reset your password and review your ${appName} security settings at once.`;
  return layout({
    appName,
    subject: `Your ${appName} sign-in security changed`,
    text: [`${input.change} on your ${appName} account.`, undoLink ? `${warning}\n${undoLink}` : warning],
    body: html`${p(`${input.change} on your ${appName} account.`)}
${p(warning)}
${undoLink ? button(undoLink, 'Undo this change') : ''}`,
  });
}
