// The OpenID provider's hosted pages: sign-in, the second factor, consent.
// Every strategy ends in the same MFA step (the credentials module's sign-in
// flow); a successful sign-in opens a first-party Roster session held by the
// browser's session cookie, and the provider's session follows it. Whether a
// browser's live session answers a sign-in, and whether consent is asked,
// the oauth module decides (InteractionView.reuseSession, askConsent).
//
// Every form carries a CSRF token (double submit: a cookie and a hidden
// field); a wrong password reads the same whether the account exists or not.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../http/app-types.ts';
import { requestContext } from '../http/request-context.ts';
import type { CredentialsService } from '../modules/credentials/index.ts';
import { deviceTokenOf, rememberDevice } from '../modules/credentials/index.ts';
import type { createMfaService } from '../modules/mfa/index.ts';
import type { InteractionView, OAuthModule } from '../modules/oauth/index.ts';
import type { PhoneService } from '../modules/phone/index.ts';
import type { BrowserSession, SignedIn } from '../modules/sessions/index.ts';
import { DomainError } from '../platform/domain-error.ts';
import { formScope, messagePage as message, refusal, sendPage as send } from './page-reply.ts';
import { en } from './strings.ts';

export interface InteractionRoutesDeps {
  readonly oauth: OAuthModule;
  readonly credentials: Pick<CredentialsService, 'login'>;
  readonly mfa: Pick<ReturnType<typeof createMfaService>, 'completeChallenge' | 'sendLoginCode'>;
  readonly phone: Pick<PhoneService, 'requestLoginCode' | 'verifyLogin'>;
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

export function interactionRoutes(app: App, deps: InteractionRoutesDeps): void {
  const { oauth, browser } = deps;

  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await formScope(scope, {
      cookieKey: 'roster_csrf',
      cookiePath: BASE,
      secure: deps.secureCookies,
      lostText: en.expired,
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
        forgotUrl: `/forgot-password?interaction=${view.uid}`,
        signupUrl: `/signup?interaction=${view.uid}`,
      });
    }

    /** The phone strategy's two forms: the number, then the code sent to it. */
    async function phonePage(
      reply: FastifyReply,
      view: InteractionView,
      status = 200,
      extra: { error?: string; phone?: string; oti?: string; notice?: string } = {},
    ) {
      return send(reply, status, extra.oti ? 'phone-code' : 'phone', en.phoneTitle, {
        action: action(view.uid),
        clientName: view.clientName,
        csrf: reply.generateCsrf(),
        error: extra.error ?? null,
        notice: extra.notice ?? null,
        phone: extra.phone ?? '',
        oti: extra.oti ?? '',
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
        if (session && view.reuseSession)
          return go(reply, await oauth.interactions.signedIn(request.raw, reply.raw, session));
        return signInPage(reply, view);
      }
      if (!session || session.userId !== view.accountId)
        return message(reply, 400, en.errorTitle, en.expired);
      if (!view.askConsent)
        return go(
          reply,
          await oauth.interactions.consented(request.raw, reply.raw, session, requestContext(request)),
        );
      return send(reply, 200, 'consent', en.consentTitle(view.clientName), {
        action: action(view.uid),
        clientName: view.clientName,
        accountName: view.accountName,
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
        const view = await loginPending(request, reply, request.params.uid);
        const { identifier, password } = request.body;
        if (!identifier.trim() || !password)
          return signInPage(reply, view, 401, { error: en.wrongCredentials, identifier });
        try {
          const outcome = await deps.credentials.login(
            { identifier: identifier.trim(), password },
            requestContext(request),
            deviceTokenOf(request),
          );
          // The device cookie comes back to every sign-in form of the hosted pages.
          rememberDevice(reply, outcome.deviceToken, BASE);
          if (outcome.kind === 'second-factor') return mfaPage(reply, view, outcome.challenge);
          return signedIn(request, reply, outcome);
        } catch (error) {
          const refused = refusal(error);
          return signInPage(reply, view, refused.status, { error: refused.text, identifier });
        }
      },
    );

    /** A sign-in form of an interaction that no longer asks for one (consent, or gone) starts nothing. */
    async function loginPending(request: FastifyRequest, reply: FastifyReply, uid: string) {
      const view = await pending(request, reply, uid);
      if (view.prompt !== 'login')
        throw Object.assign(new Error('not a sign-in'), { name: 'SessionNotFound' });
      return view;
    }

    scope.get(`${BASE}/:uid/phone`, { schema: { hide: true, params: Uid } }, async (request, reply) =>
      phonePage(reply, await loginPending(request, reply, request.params.uid)),
    );

    const PhoneNumber = Type.String({ maxLength: 40 });

    scope.post(
      `${BASE}/:uid/phone`,
      {
        schema: { hide: true, params: Uid, body: Type.Object({ _csrf: Csrf, phone: PhoneNumber }) },
        preHandler: scope.csrfProtection,
      },
      async (request, reply) => {
        const view = await loginPending(request, reply, request.params.uid);
        const phone = request.body.phone.trim();
        try {
          const sent = await deps.phone.requestLoginCode(phone, requestContext(request));
          return phonePage(reply, view, 200, { phone, oti: sent.oti, notice: en.smsSent });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          if (error.kind === 'rate_limited' || error.kind === 'unavailable') {
            const refused = refusal(error);
            return phonePage(reply, view, refused.status, { phone, error: refused.text });
          }
          return phonePage(reply, view, 422, { phone, error: en.badPhone });
        }
      },
    );

    scope.post(
      `${BASE}/:uid/phone/verify`,
      {
        schema: {
          hide: true,
          params: Uid,
          body: Type.Object({
            _csrf: Csrf,
            phone: PhoneNumber,
            oti: Type.String({ minLength: 1, maxLength: 200 }),
            code: Type.String({ maxLength: 40 }),
          }),
        },
        preHandler: scope.csrfProtection,
      },
      async (request, reply) => {
        const view = await loginPending(request, reply, request.params.uid);
        const { phone, oti } = request.body;
        const code = request.body.code.trim();
        if (!code) return phonePage(reply, view, 401, { phone, oti, error: en.wrongCode });
        try {
          const outcome = await deps.phone.verifyLogin({ phone, oti, code }, requestContext(request));
          if (outcome.kind === 'second-factor') return mfaPage(reply, view, outcome.challenge);
          return signedIn(request, reply, outcome);
        } catch (error) {
          const refused = refusal(error, en.wrongCode);
          return phonePage(reply, view, refused.status, { phone, oti, error: refused.text });
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
            return mfaPage(reply, view, challenge, 429, { error: refusal(error).text });
          // A spent or expired challenge starts the sign-in again.
          if (error.code === 'invalid_mfa_token')
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
            error: error.kind === 'rate_limited' ? refusal(error).text : en.wrongCode,
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
