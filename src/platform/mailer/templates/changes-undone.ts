// Sent when sensitive changes were reversed: by the owner's undo link, or by
// a password reset, which removes what was added since the last full sign-in.
import { html } from './html.ts';
import { DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface ChangesUndoneInput {
  /** What was reversed, one line each, e.g. "An authenticator app was removed". */
  readonly removed: readonly string[];
  /** Why: "you used the undo link", "your password was reset". */
  readonly reason: string;
  readonly appName?: string;
}

export function changesUndone(input: ChangesUndoneInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  const intro = `Because ${input.reason}, these changes to how your ${appName} account signs in were reversed and every session was signed out:`;
  return layout({
    appName,
    subject: `Changes to your ${appName} sign-in were reversed`,
    text: [
      intro,
      input.removed.map((line) => `- ${line}`).join('\n'),
      'Sign in again and review your security settings.',
    ],
    body: html`${p(intro)}
<ul>${input.removed.map((line) => html`<li>${line}</li>`)}</ul>
${p('Sign in again and review your security settings.')}`,
  });
}
