// Seed 002's sign-in: POST /user/login opens a first-party session held by
// the `roster_session` cookie (cookie.ts) and answers the user, or, when a
// second factor is on, `2faEnabled: true` and a `sessionHash` that POST
// /user/do-2fa completes with the code. The password strategy, the lockout,
// the second step and the session are the credentials and MFA modules'.
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/app-types.ts';
import { requestContext } from '../../http/request-context.ts';
import { credentialError, deviceTokenOf, rememberDevice } from '../../modules/credentials/index.ts';
import type { LoginOutcome, SignedIn } from '../../modules/sessions/index.ts';
import { DomainError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { SurfaceDeps } from '../surface.ts';
import { codeText } from './body.ts';
import { cookieSession } from './cookie.ts';
import { replies, withData } from './envelope.ts';
import { Do2faBody, LoginBody } from './schemas.ts';
import { parseSessionHash, sessionHashOf } from './session-hash.ts';
import { Login, SignedInReply } from './session-schemas.ts';
import { toSignedInUser } from './views.ts';

const LOGIN_PATH = '/user/login';

/** The request's context, with the user agent the body names (the session list shows it). */
function contextOf(request: FastifyRequest, userAgent: string | undefined): RequestContext {
  const context = requestContext(request);
  return userAgent?.trim() ? { ...context, userAgent: userAgent.trim() } : context;
}

/** 6 digits are the mailed or the app's code; anything else a recovery code. */
const methodsFor = (code: string) =>
  /^[0-9]{6}$/.test(code) ? (['email', 'totp'] as const) : (['recovery_code'] as const);

export function sessionRoutes(scope: App, deps: SurfaceDeps): void {
  const { roster } = deps;
  const cookie = cookieSession(deps);

  /** The session is open: the cookie holds it; the reply carries the user. */
  async function opened(reply: Parameters<typeof cookie.set>[0], outcome: SignedIn) {
    cookie.set(reply, outcome.tokens.sessionId);
    return toSignedInUser(await roster.profiles.ownView(outcome.user.id));
  }

  scope.post(
    '/login',
    {
      schema: {
        summary: 'Login',
        description:
          'Signs in with `email` (or `username`) and `password`; when both names are sent the account must ' +
          'hold both. Opens a session held by the `roster_session` cookie (HttpOnly, SameSite=Lax), which ' +
          'GET /oauth/authorize then reuses, and answers the user. With a second factor on it answers ' +
          '`2faEnabled: true`, the `sessionHash` for POST /user/do-2fa (5 minutes, 5 tries) and mails the ' +
          'code when email codes are on. A wrong password and an unknown account get the same 401. ' +
          'Native: POST /v1/sessions.',
        body: LoginBody,
        response: replies(Login),
      },
    },
    async (request, reply) => {
      const { email, username, password, userAgent } = request.body;
      const identifier = email?.trim() || username?.trim();
      if (!identifier)
        throw commonError('validation_failed', {
          detail: 'Send email or username.',
          errors: [{ path: 'email', message: 'is required (or username)' }],
        });
      const context = contextOf(request, userAgent);
      // When both names come, the address signs in and the account must hold the username too.
      const alsoUsername = email?.trim() ? username : undefined;
      const outcome: LoginOutcome & { deviceToken: string | null } = await roster.credentials.login(
        { identifier, password, alsoUsername },
        context,
        deviceTokenOf(request),
      );
      rememberDevice(reply, outcome.deviceToken, LOGIN_PATH);
      if (outcome.kind === 'signed-in')
        return withData({ '2faEnabled': false as const, user: await opened(reply, outcome) });
      const owner = await roster.accounts.getUser(outcome.challenge.userId);
      const { token, methods } = outcome.challenge;
      if (methods.includes('email')) await roster.mfa.sendLoginCode(token);
      return withData({
        '2faEnabled': true as const,
        sessionHash: sessionHashOf(owner.id, token),
        user: { _id: owner.id, username: owner.username, email: owner.email },
      });
    },
  );

  scope.post(
    '/do-2fa',
    {
      schema: {
        summary: 'Do 2FA',
        description:
          'Completes the sign-in POST /user/login began: `target` (its user’s `_id`), `sessionHash` and ' +
          '`code`: 6 digits (the mailed code, or the authenticator app’s), or a recovery code. Opens the ' +
          'cookie session and answers the user. A `sessionHash` works once. Native: POST /v1/sessions/mfa.',
        body: Do2faBody,
        response: replies(SignedInReply),
      },
    },
    async (request, reply) => {
      const { target, sessionHash } = request.body;
      const code = codeText(request.body.code);
      const pending = parseSessionHash(sessionHash);
      if (pending.userId !== target)
        throw commonError('validation_failed', {
          detail: 'The target is not the account this sign-in is for.',
          errors: [{ path: 'target', message: 'is not the account of this sessionHash' }],
        });
      const context = requestContext(request);
      const outcome = await completeWithAny(pending.token, code, context);
      if (outcome.user.id !== target) {
        await roster.sessions.endBrowserSession(outcome.user.id, outcome.tokens.sessionId, context);
        throw credentialError('invalid_credentials');
      }
      return withData({ user: await opened(reply, outcome) });
    },
  );

  /**
   * The code as each method that may answer it: a method the account does not
   * have on costs no try; a wrong code does (the second step's own count).
   */
  async function completeWithAny(mfaToken: string, code: string, context: RequestContext): Promise<SignedIn> {
    let refused: DomainError | undefined;
    for (const method of methodsFor(code)) {
      try {
        return await roster.mfa.completeChallenge({ mfaToken, method, code }, context);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === 'mfa_method_unavailable') refused ??= error;
        else if (error.code === 'invalid_mfa_code') refused = error;
        else throw error;
      }
    }
    throw refused!;
  }
}
