// Sent instead of a verification mail when someone signs up with an address
// that already has an account: the sign-up reply stays the same either way
// (no user enumeration), and only the mailbox owner learns what happened.
import { checkedLink, html } from './html.ts';
import { button, DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface SignupAttemptInput {
  /** A sign-in page, where there is one; without it the mail sends the reader to their app. */
  readonly loginLink?: string;
  readonly resetLink: string;
  readonly appName?: string;
}

export function signupAttempt(input: SignupAttemptInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  const loginLink = input.loginLink === undefined ? null : checkedLink(input.loginLink);
  const resetLink = checkedLink(input.resetLink);
  return layout({
    appName,
    subject: `Someone tried to sign up for ${appName} with your address`,
    text: [
      `Someone tried to create a ${appName} account with this email address, but you already have one.`,
      loginLink ? `To sign in:\n${loginLink}` : 'Sign in from the app you use it with.',
      `Forgot your password? Reset it here:\n${resetLink}`,
      'If this was not you, you can ignore this message: nothing has changed on your account.',
    ],
    body: html`${p(`Someone tried to create a ${appName} account with this email address, but you already have one.`)}
${loginLink ? button(loginLink, 'Sign in') : p('Sign in from the app you use it with.')}
${p(html`Forgot your password? <a href="${resetLink}">Reset it</a>.`)}
${p('If this was not you, you can ignore this message: nothing has changed on your account.')}`,
  });
}
