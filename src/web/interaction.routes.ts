// The OpenID provider's hosted pages: sign-in, the second factor, consent.
// Every strategy ends in the same MFA step (the credentials module's sign-in
// flow); a successful sign-in opens a first-party Roster session held by the
// browser's session cookie, and the provider's session follows it. A browser
// that already holds a live session (the hosted pages before, or a seed
// surface's cookie sign-in) is not asked again; a first-party client, or a
// client the user already granted the scopes, is not asked to consent.
//
// Every form carries a CSRF token (double submit: a cookie and a hidden
// field); a wrong password reads the same whether the account exists or not.
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../http/app-types.ts';
import { requestContext } from '../http/request-context.ts';
import type { CredentialsService } from '../modules/credentials/index.ts';
import { deviceTokenOf, rememberDevice } from '../modules/credentials/index.ts';
import type { createMfaService } from '../modules/mfa/index.ts';
import type { InteractionView, OAuthModule } from '../modules/oauth/index.ts';
import type { BrowserSession, SignedIn } from '../modules/sessions/index.ts';
import { DomainError } from '../platform/domain-error.ts';
import { renderPage } from './pages.ts';
import { en } from './strings.ts';

export interface InteractionRoutesDeps {
  readonly oauth: OAuthModule;
  readonly credentials: Pick<CredentialsService, 'login'>;
  readonly mfa: Pick<ReturnType<typeof createMfaService>, 'completeChallenge' | 'sendLoginCode'>;
  readonly browser: {
    readonly cookieName: string;
    valueFor(sessionId: string): string;
    signedIn(value: string | undefined): Promise<BrowserSession | null>;
  };
  readonly secureCookies: boolean;
  readonly sessionTtlSeconds: number;
}

const BASE = '/oauth/interaction';
const Uid = Type.Object({ uid: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });
const Csrf = Type.String({ minLength: 1, maxLength: 200 });

function send(
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

const message = (reply: FastifyReply, status: number, heading: string, text: string) =>
  send(reply, status, 'message', heading, { heading, message: text });

/** The words a refused sign-in shows: the same for an unknown account and a wrong password. */
function signInError(error: unknown): { status: number; text: string } {
  if (!(error instanceof DomainError)) throw error;
  switch (error.kind) {
    case 'rate_limited':
      return { status: 429, text: en.tooMany(Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60))) };
    case 'forbidden':
      return { status: 403, text: en.disabled };
    case 'unavailable':
      return { status: 503, text: en.busy };
    default:
      return { status: 401, text: en.wrongCredentials };
  }
}

export function interactionRoutes(app: App, deps: InteractionRoutesDeps): void {
  const { oauth, browser } = deps;

  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    await scope.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: 'roster_csrf',
      cookieOpts: { path: BASE, httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, signed: false },
    });
    // Every failure is a page: a form's refusal, a lost interaction, a fault.
    scope.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      if (status >= 500) request.log.error({ err: error }, 'hosted page failed');
      if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET')
        return message(reply, 403, en.errorTitle, en.badForm);
      if (error.name === 'SessionNotFound' || status === 400)
        return message(reply, 400, en.errorTitle, en.expired);
      return message(reply, status, en.errorTitle, en.errorLead);
    });

    const action = (uid: string) => `${BASE}/${uid}`;
    const browserSession = (request: FastifyRequest) => browser.signedIn(request.cookies[browser.cookieName]);

    async function pending(
      request: FastifyRequest,
      reply: FastifyReply,
      uid: string,
    ): Promise<InteractionView> {
      const view = await oauth.interactions.details(request.raw, reply.raw);
      if (view.uid !== uid)
        throw Object.assign(new Error('another interaction'), { name: 'SessionNotFound' });
      return view;
    }

    const go = (reply: FastifyReply, url: string) => reply.redirect(url, 303);

    /** The sign-in is done: the browser holds the session, the provider's session follows it. */
    async function signedIn(request: FastifyRequest, reply: FastifyReply, outcome: SignedIn) {
      // The session just opened, as the browser's cookie will name it (its sign-in time and methods).
      const live = await browser.signedIn(browser.valueFor(outcome.tokens.sessionId));
      if (!live) throw new Error('the session just opened is not live');
      reply.setCookie(browser.cookieName, browser.valueFor(live.sessionId), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        maxAge: deps.sessionTtlSeconds,
      });
      return go(reply, await oauth.interactions.signedIn(request.raw, reply.raw, live));
    }

    async function signInPage(
      reply: FastifyReply,
      view: InteractionView,
      status = 200,
      extra: { error?: string; identifier?: string } = {},
    ) {
      return send(reply, status, 'signin', en.signInTitle, {
        action: action(view.uid),
        clientName: view.clientName,
        csrf: reply.generateCsrf(),
        error: extra.error ?? null,
        identifier: extra.identifier ?? '',
      });
    }

    async function mfaPage(
      reply: FastifyReply,
      view: InteractionView,
      challenge: { token: string; methods: readonly string[] },
      status = 200,
      extra: { error?: string; notice?: string } = {},
    ) {
      return send(reply, status, 'mfa', en.mfaTitle, {
        action: action(view.uid),
        csrf: reply.generateCsrf(),
        mfaToken: challenge.token,
        methods: challenge.methods,
        error: extra.error ?? null,
        notice: extra.notice ?? null,
      });
    }

    scope.get(`${BASE}/:uid`, { schema: { hide: true, params: Uid } }, async (request, reply) => {
      const view = await pending(request, reply, request.params.uid);
      const session = await browserSession(request);
      if (view.prompt === 'login') {
        if (session) return go(reply, await oauth.interactions.signedIn(request.raw, reply.raw, session));
        return signInPage(reply, view);
      }
      if (!session || session.userId !== view.accountId)
        return message(reply, 400, en.errorTitle, en.expired);
      if (view.firstParty || view.scopes.length === 0)
        return go(
          reply,
          await oauth.interactions.consented(request.raw, reply.raw, session, requestContext(request)),
        );
      return send(reply, 200, 'consent', en.consentTitle(view.clientName), {
        action: action(view.uid),
        clientName: view.clientName,
        accountName: null,
        scopes: view.scopes,
        csrf: reply.generateCsrf(),
      });
    });

    scope.post(
      `${BASE}/:uid/login`,
      {
        schema: {
          hide: true,
          params: Uid,
          body: Type.Object({
            _csrf: Csrf,
            identifier: Type.String({ maxLength: 320 }),
            password: Type.String({ maxLength: 1024 }),
          }),
        },
        preHandler: scope.csrfProtection,
      },
      async (request, reply) => {
        const view = await pending(request, reply, request.params.uid);
        const { identifier, password } = request.body;
        if (!identifier.trim() || !password)
          return signInPage(reply, view, 401, { error: en.wrongCredentials, identifier });
        try {
          const outcome = await deps.credentials.login(
            { identifier: identifier.trim(), password },
            requestContext(request),
            deviceTokenOf(request),
          );
          rememberDevice(reply, outcome.deviceToken);
          if (outcome.kind === 'second-factor') return mfaPage(reply, view, outcome.challenge);
          return signedIn(request, reply, outcome);
        } catch (error) {
          const refused = signInError(error);
          return signInPage(reply, view, refused.status, { error: refused.text, identifier });
        }
      },
    );

    const MfaBody = Type.Object({
      _csrf: Csrf,
      mfaToken: Type.String({ minLength: 1, maxLength: 200 }),
      methods: Type.Optional(Type.String({ maxLength: 200 })),
      method: Type.Optional(
        Type.Union([Type.Literal('totp'), Type.Literal('email'), Type.Literal('recovery_code')]),
      ),
      code: Type.Optional(Type.String({ maxLength: 40 })),
    });
    const methodsOf = (body: { methods?: string }) =>
      (body.methods ?? 'totp').split(' ').filter((m) => ['totp', 'email', 'recovery_code'].includes(m));

    scope.post(
      `${BASE}/:uid/mfa`,
      { schema: { hide: true, params: Uid, body: MfaBody }, preHandler: scope.csrfProtection },
      async (request, reply) => {
        const view = await pending(request, reply, request.params.uid);
        const { mfaToken, method, code } = request.body;
        const challenge = { token: mfaToken, methods: methodsOf(request.body) };
        if (!method || !code) return mfaPage(reply, view, challenge, 401, { error: en.wrongCode });
        try {
          const outcome = await deps.mfa.completeChallenge(
            { mfaToken, method, code },
            requestContext(request),
          );
          return signedIn(request, reply, outcome);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          if (error.kind === 'rate_limited')
            return mfaPage(reply, view, challenge, 429, { error: signInError(error).text });
          // A spent or expired challenge starts the sign-in again.
          if (error.kind === 'unauthenticated' && error.code !== 'invalid_code')
            return signInPage(reply, view, 401, { error: en.wrongCode });
          return mfaPage(reply, view, challenge, 401, { error: en.wrongCode });
        }
      },
    );

    scope.post(
      `${BASE}/:uid/mfa/email`,
      { schema: { hide: true, params: Uid, body: MfaBody }, preHandler: scope.csrfProtection },
      async (request, reply) => {
        const view = await pending(request, reply, request.params.uid);
        const challenge = { token: request.body.mfaToken, methods: methodsOf(request.body) };
        try {
          await deps.mfa.sendLoginCode(request.body.mfaToken);
          return mfaPage(reply, view, challenge, 200, { notice: en.emailSent });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          return mfaPage(reply, view, challenge, error.kind === 'rate_limited' ? 429 : 401, {
            error: error.kind === 'rate_limited' ? signInError(error).text : en.wrongCode,
          });
        }
      },
    );

    scope.post(
      `${BASE}/:uid/consent`,
      {
        schema: {
          hide: true,
          params: Uid,
          body: Type.Object({
            _csrf: Csrf,
            decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
          }),
        },
        preHandler: scope.csrfProtection,
      },
      async (request, reply) => {
        const view = await pending(request, reply, request.params.uid);
        const session = await browserSession(request);
        if (view.prompt !== 'consent' || !session || session.userId !== view.accountId)
          return message(reply, 400, en.errorTitle, en.expired);
        if (request.body.decision === 'deny')
          return go(reply, await oauth.interactions.denied(request.raw, reply.raw, 'the user refused'));
        return go(
          reply,
          await oauth.interactions.consented(request.raw, reply.raw, session, requestContext(request)),
        );
      },
    );

    scope.post(
      `${BASE}/:uid/abort`,
      {
        schema: { hide: true, params: Uid, body: Type.Object({ _csrf: Csrf }) },
        preHandler: scope.csrfProtection,
      },
      async (request, reply) => {
        await pending(request, reply, request.params.uid);
        return go(
          reply,
          await oauth.interactions.denied(request.raw, reply.raw, 'the user cancelled the sign-in'),
        );
      },
    );
  });
}
