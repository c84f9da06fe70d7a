// What every hosted page shares: the reply of a rendered page (its own CSP,
// never cached), the plumbing of a scope of forms (url-encoded bodies, a
// CSRF double submit, failures shown as pages) and the words of a refusal.
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { toDomainError } from '../http/error-handler.ts';
import { STATUS_BY_KIND } from '../http/problem.ts';
import { DomainError } from '../platform/domain-error.ts';
import { renderPage } from './pages.ts';
import { en } from './strings.ts';

export function sendPage(
  reply: FastifyReply,
  status: number,
  view: string,
  title: string,
  data: Record<string, unknown>,
) {
  const page = renderPage(view, title, data);
  return reply
    .code(status)
    .header('content-security-policy', page.csp)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page.html);
}

/** A page of one heading and one paragraph, with an optional link onwards. */
export const messagePage = (
  reply: FastifyReply,
  status: number,
  heading: string,
  text: string,
  link?: { href: string; text: string },
) => sendPage(reply, status, 'message', heading, { heading, message: text, link: link ?? null });

/**
 * Registers what a scope of forms needs: bodies of at most 16 KiB, a CSRF
 * token (cookie `cookieKey` on `cookiePath`, and a hidden field) and an error
 * handler that answers every failure with a page, never JSON.
 */
export async function formScope(
  scope: FastifyInstance,
  options: { cookieKey: string; cookiePath: string; secure: boolean; lostText: string },
): Promise<void> {
  await scope.register(formbody, { bodyLimit: 16 * 1024 });
  await scope.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: options.cookieKey,
    cookieOpts: {
      path: options.cookiePath,
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      signed: false,
    },
  });
  scope.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET')
      return messagePage(reply, 403, en.errorTitle, en.badForm);
    if (error.name === 'SessionNotFound') return messagePage(reply, 400, en.errorTitle, options.lostText);
    // The framework's refusals and the text rules' (a NUL, broken UTF-8) are the form's fault, not ours.
    const status = STATUS_BY_KIND[toDomainError(error).kind];
    if (status >= 500) {
      request.log.error({ err: error }, 'hosted page failed');
      return messagePage(reply, 500, en.errorTitle, en.errorLead);
    }
    if (status === 429) return messagePage(reply, 429, en.errorTitle, en.tooMany(1));
    if (status === 413) return messagePage(reply, 413, en.errorTitle, en.badInput);
    return messagePage(reply, 400, en.errorTitle, en.badInput);
  });
}

/** The words a refused sign-in shows: the same for an unknown account and a wrong password. */
export function refusal(
  error: unknown,
  wrong: string = en.wrongCredentials,
): { status: number; text: string } {
  if (!(error instanceof DomainError)) throw error;
  switch (error.kind) {
    case 'rate_limited':
      return { status: 429, text: en.tooMany(Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60))) };
    case 'forbidden':
      return { status: 403, text: error.code.startsWith('invite_') ? en.inviteOnly : en.disabled };
    case 'unavailable':
      return { status: 503, text: en.busy };
    default:
      return { status: 401, text: wrong };
  }
}
