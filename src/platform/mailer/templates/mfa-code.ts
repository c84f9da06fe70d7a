// A code that turns email codes on or off as a second factor, or replaces recovery codes.
import { html } from './html.ts';
import { codeBlock, DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface MfaCodeInput {
  readonly code: string;
  readonly minutes: number;
  readonly appName?: string;
}

export function mfaSetupCode(input: MfaCodeInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  return layout({
    appName,
    subject: `Your ${appName} security code`,
    text: [
      `Your ${appName} security code is: ${input.code}`,
      `It confirms a change to how you sign in and expires in ${input.minutes} minutes.`,
      'If you did not ask for it, someone may know your password: change it.',
    ],
    body: html`${p(`Enter this code to confirm a change to how you sign in to ${appName}:`)}
${codeBlock(input.code)}
${p(`It expires in ${input.minutes} minutes. If you did not ask for it, someone may know your password: change it.`)}`,
  });
}
