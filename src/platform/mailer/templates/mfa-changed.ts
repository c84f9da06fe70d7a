// Sent whenever a second factor is turned on or off or recovery codes are
// replaced, so a takeover that weakens the account does not go unseen.
import { html } from './html.ts';
import { DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface MfaChangedInput {
  /** What changed, e.g. "An authenticator app was turned on". */
  readonly change: string;
  readonly appName?: string;
}

export function mfaChanged(input: MfaChangedInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  const warning = `If this was not you, reset your password and review your ${appName} security settings at once.`;
  return layout({
    appName,
    subject: `Your ${appName} sign-in security changed`,
    text: [`${input.change} on your ${appName} account.`, warning],
    body: html`${p(`${input.change} on your ${appName} account.`)}
${p(warning)}`,
  });
}
