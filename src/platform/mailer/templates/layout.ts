// The frame every mail shares: one HTML layout (inline styles, as mail clients
// ignore style sheets) and one plain-text layout with the same words.
import { html, type SafeHtml } from './html.ts';

export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export const DEFAULT_APP_NAME = 'Roster';

export interface LayoutInput {
  readonly appName: string;
  readonly subject: string;
  /** Paragraphs of the plain-text version. */
  readonly text: readonly string[];
  /** Body of the HTML version. */
  readonly body: SafeHtml;
}

export function layout(input: LayoutInput): MailContent {
  const page = html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${input.subject}</title></head>
<body style="margin:0;padding:24px;background:#f5f5f5;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#222">
<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:8px;padding:32px">
<p style="margin:0 0 24px;font-weight:600;font-size:18px">${input.appName}</p>
${input.body}
</div>
<p style="max-width:520px;margin:16px auto 0;font-size:12px;color:#777">This message was sent automatically by ${input.appName}. Replies are not read.</p>
</body>
</html>
`;
  return {
    subject: input.subject,
    text: `${input.text.join('\n\n')}\n\n-- \n${input.appName}\n`,
    html: page.value,
  };
}

/** A paragraph. */
export const p = (content: SafeHtml | string): SafeHtml =>
  html`<p style="margin:0 0 16px;line-height:1.5">${content}</p>`;

/** A one-time code, large and easy to copy. */
export const codeBlock = (code: string): SafeHtml =>
  html`<p style="margin:0 0 16px;font-size:28px;letter-spacing:6px;font-weight:700;font-family:ui-monospace,monospace">${code}</p>`;

/** A call-to-action link. */
export const button = (href: string, label: string): SafeHtml =>
  html`<p style="margin:0 0 16px"><a href="${href}" style="display:inline-block;background:#2b59c3;color:#fff;text-decoration:none;padding:10px 18px;border-radius:6px">${label}</a></p>`;
