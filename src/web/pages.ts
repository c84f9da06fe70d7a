// Server-rendered pages (Eta templates in ./views, every value escaped): a
// layout with one nonce'd style block, and a strict policy: nothing loads,
// runs or frames the page except that style.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { en, type Strings } from './strings.ts';

const eta = new Eta({ views: join(dirname(fileURLToPath(import.meta.url)), 'views'), cache: true });

export interface RenderedPage {
  readonly html: string;
  readonly csp: string;
}

/** The policy of every hosted page: its own style only; no frames, scripts, plugins or base. */
export const pagePolicy = (nonce: string) =>
  `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'`;

export function renderPage(
  view: string,
  title: string,
  data: Record<string, unknown>,
  t: Strings = en,
): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const body = eta.render(`./${view}`, { ...data, t });
  return { html: eta.render('./layout', { t, title, nonce, body }), csp: pagePolicy(nonce) };
}
