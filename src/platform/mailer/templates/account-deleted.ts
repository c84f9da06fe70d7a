// Confirms a deletion to the address the account had.
import { html } from './html.ts';
import { DEFAULT_APP_NAME, layout, type MailContent, p } from './layout.ts';

export interface AccountDeletedInput {
  readonly appName?: string;
}

export function accountDeleted(input: AccountDeletedInput = {}): MailContent {
  const appName = input.appName ?? DEFAULT_APP_NAME;
  return layout({
    appName,
    subject: `Your ${appName} account was deleted`,
    text: [
      `Your ${appName} account and the data it held have been deleted.`,
      `If you did not ask for this, contact the administrator of this ${appName} service.`,
    ],
    body: html`${p(`Your ${appName} account and the data it held have been deleted.`)}
${p(`If you did not ask for this, contact the administrator of this ${appName} service.`)}`,
  });
}
