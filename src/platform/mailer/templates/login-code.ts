// The second sign-in step by email (MFA email factor).
import { html } from './html.ts';
import { codeBlock, DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface LoginCodeInput {
  readonly code: string;
  readonly minutes: number;
  readonly appName?: string;
}

export function loginCode(input: LoginCodeInput): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  return layout({
    appName,
    subject: `Your ${appName} sign-in code`,
    text: [
      `Your ${appName} sign-in code is: ${input.code}`,
      `It expires in ${input.minutes} minutes. Never share it: ${appName} will never ask you for it.`,
      'If you are not signing in right now, someone knows your password: change it.',
    ],
    body: html`${p(`Enter this code to finish signing in to ${appName}:`)}
${codeBlock(input.code)}
${p(`It expires in ${input.minutes} minutes. Never share it: ${appName} will never ask you for it.`)}
${p('If you are not signing in right now, someone knows your password: change it.')}`,
  });
}
