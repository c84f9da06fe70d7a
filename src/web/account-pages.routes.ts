// The hosted account pages the sign-in page links to and the mails link back
// to: create an account, verify its address, forget and reset a password.
// Each page is a form over the same service call the API makes, under the
// same limits and with the same replies whether or not an address has an
// account. A page reached from a sign-in (`?interaction=`) links back to it.
//
// The mail links open a form rather than acting on GET: a mail scanner that
// fetches links must not spend a verification or reset token.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifyReply } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import type { App } from '../http/app-types.ts';
import { PlainText } from '../http/plain-text.ts';
import { requestContext } from '../http/request-context.ts';
import { Email } from '../http/schemas.ts';
import type { AccountsService } from '../modules/accounts/index.ts';
import type { CredentialsService } from '../modules/credentials/index.ts';
import { USERNAME_INPUT_PATTERN, USERNAME_MAX } from '../modules/users/index.ts';
import { DomainError } from '../platform/domain-error.ts';
import { formScope, messagePage, refusal, sendPage } from './page-reply.ts';
import { en } from './strings.ts';

export interface AccountPagesDeps {
  readonly accounts: Pick<AccountsService, 'register' | 'verifyEmail'>;
  readonly credentials: Pick<CredentialsService, 'forgotPassword' | 'resetPassword'>;
  readonly secureCookies: boolean;
  /** The password policy's minimum (ROSTER_PASSWORD_MIN_LENGTH), for the forms' hint. */
  readonly passwordMinLength: number;
}

const Interaction = Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]*$' }));
const Back = Type.Object({ interaction: Interaction });
const Token = Type.String({ minLength: 1, maxLength: 200 });
const Csrf = Type.String({ minLength: 1, maxLength: 200 });
const Field = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/** The edge's checks of the API's sign-up fields, shown per field in words. */
const SignupFields = Type.Object({
  email: Email,
  username: Type.Optional(Type.String({ pattern: USERNAME_INPUT_PATTERN, maxLength: USERNAME_MAX + 10 })),
  firstName: Type.Optional(PlainText(100)),
  lastName: Type.Optional(PlainText(100)),
});

// The pages check fields with the API's validator (Ajv), every error at once,
// each schema compiled on the first form that needs it (Ajv keeps it by the
// schema object after that).
const pageAjv = new Ajv({ allErrors: true, strict: false });
const validatorOf = (schema: TSchema): ValidateFunction => pageAjv.compile(schema);
const isValid = (schema: TSchema, input: unknown): boolean => validatorOf(schema)(input);

/** Each field's message: a field's own words where the page has them, the service's otherwise. */
function fieldErrors(schema: TSchema, input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const validate = validatorOf(schema);
  if (validate(input)) return out;
  for (const error of validate.errors ?? []) {
    const path =
      error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : error.instancePath;
    const field = path.replace(/^\//, '').split('/')[0] ?? '';
    out[field] ??= en.fields[field] ?? en.fieldInvalid;
  }
  return out;
}

function domainFieldErrors(error: DomainError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of error.errors ?? []) {
    const field = e.path.split('.')[0] ?? '';
    out[field] ??= e.message;
  }
  return out;
}

/** Empty form fields are absent fields. */
const present = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

export function accountPagesRoutes(app: App, deps: AccountPagesDeps): void {
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    await formScope(scope, {
      cookieKey: 'roster_form',
      cookiePath: '/',
      secure: deps.secureCookies,
      lostText: en.badForm,
    });

    const back = (interaction: string | undefined) =>
      interaction ? { href: `/oauth/interaction/${interaction}`, text: en.backToSignIn } : undefined;

    function form(
      reply: FastifyReply,
      status: number,
      view: string,
      title: string,
      data: Record<string, unknown>,
    ) {
      return sendPage(reply, status, view, title, {
        csrf: reply.generateCsrf(),
        error: null,
        errors: {},
        values: {},
        interaction: '',
        passwordMin: deps.passwordMinLength,
        ...data,
      });
    }

    // ---- create an account

    const SignupBody = Type.Object({
      _csrf: Csrf,
      interaction: Interaction,
      email: Type.String({ maxLength: 400 }),
      password: Type.String({ maxLength: 1024 }),
      username: Field(100),
      firstName: Field(400),
      lastName: Field(400),
      inviteCode: Field(64),
    });
    type Signup = Static<typeof SignupBody>;

    const signupForm = (reply: FastifyReply, status: number, body: Partial<Signup>, extra = {}) =>
      form(reply, status, 'signup', en.signupTitle, {
        interaction: body.interaction ?? '',
        values: { ...body, password: '', _csrf: '' },
        ...extra,
      });

    scope.get('/signup', { schema: { hide: true, querystring: Back } }, (request, reply) =>
      signupForm(reply, 200, { interaction: request.query.interaction }),
    );

    scope.post(
      '/signup',
      { schema: { hide: true, body: SignupBody }, preHandler: scope.csrfProtection },
      async (request, reply) => {
        const body = request.body;
        const input = {
          email: body.email,
          password: body.password,
          username: present(body.username),
          firstName: present(body.firstName),
          lastName: present(body.lastName),
          inviteCode: present(body.inviteCode),
        };
        const errors = fieldErrors(SignupFields, {
          email: input.email,
          ...(input.username ? { username: input.username } : {}),
          ...(input.firstName ? { firstName: input.firstName } : {}),
          ...(input.lastName ? { lastName: input.lastName } : {}),
        });
        if (!body.password) errors.password = en.fields.password!;
        if (Object.keys(errors).length > 0)
          return signupForm(reply, 422, body, { errors, error: en.fixFields });
        try {
          const result = await deps.accounts.register(input, requestContext(request));
          const text = result.verificationRequired ? en.signupCheckMail : en.signupDone;
          return messagePage(reply, 201, en.signupTitle, text, back(body.interaction));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          if (error.kind === 'invalid')
            return signupForm(reply, 422, body, { errors: domainFieldErrors(error), error: en.fixFields });
          if (error.kind === 'conflict') return signupForm(reply, 409, body, { error: error.detail });
          const refused = refusal(error);
          return signupForm(reply, refused.status, body, { error: refused.text });
        }
      },
    );

    // ---- verify an address (the mail's link)

    const verifyForm = (reply: FastifyReply, status: number, token: string, extra = {}) =>
      form(reply, status, 'verify', en.verifyTitle, { token, ...extra });

    scope.get(
      '/verify-email',
      { schema: { hide: true, querystring: Type.Object({ token: Token }) } },
      (request, reply) => verifyForm(reply, 200, request.query.token),
    );

    scope.post(
      '/verify-email',
      {
        schema: {
          hide: true,
          body: Type.Object({ _csrf: Csrf, token: Token, password: Field(1024) }),
        },
        preHandler: scope.csrfProtection,
      },
      async (request, reply) => {
        const { token } = request.body;
        const password = request.body.password || undefined;
        try {
          await deps.accounts.verifyEmail({ token, password }, requestContext(request));
          return messagePage(reply, 200, en.verifyTitle, password ? en.verified : en.verifiedNoPassword, {
            href: '/forgot-password',
            text: en.forgot,
          });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          if (error.code === 'invalid_password')
            return verifyForm(reply, 401, token, { error: en.verifyWrongPassword });
          if (error.kind === 'rate_limited')
            return verifyForm(reply, 429, token, { error: refusal(error).text });
          return messagePage(reply, 400, en.verifyTitle, en.linkSpent);
        }
      },
    );

    // ---- forgot a password: the address, then the code (or the mail's link)

    const forgotForm = (reply: FastifyReply, status: number, interaction?: string, extra = {}) =>
      form(reply, status, 'forgot', en.forgotTitle, { interaction: interaction ?? '', ...extra });

    const resetForm = (
      reply: FastifyReply,
      status: number,
      proof: { token?: string; email?: string },
      interaction?: string,
      extra = {},
    ) =>
      form(reply, status, 'reset', en.resetTitle, {
        token: proof.token ?? '',
        email: proof.email ?? '',
        interaction: interaction ?? '',
        ...extra,
      });

    scope.get('/forgot-password', { schema: { hide: true, querystring: Back } }, (request, reply) =>
      forgotForm(reply, 200, request.query.interaction),
    );

    scope.post(
      '/forgot-password',
      {
        schema: {
          hide: true,
          body: Type.Object({
            _csrf: Csrf,
            interaction: Interaction,
            email: Type.String({ maxLength: 400 }),
          }),
        },
        preHandler: scope.csrfProtection,
      },
      async (request, reply) => {
        const { email, interaction } = request.body;
        if (!isValid(Email, email))
          return forgotForm(reply, 422, interaction, { error: en.fields.email, email });
        try {
          await deps.credentials.forgotPassword(email, requestContext(request));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          const refused = refusal(error, en.fields.email);
          return forgotForm(reply, refused.status, interaction, { error: refused.text, email });
        }
        return resetForm(reply, 202, { email: email.trim() }, interaction, { notice: en.resetSent });
      },
    );

    scope.get(
      '/reset-password',
      { schema: { hide: true, querystring: Type.Object({ token: Token }) } },
      (request, reply) => resetForm(reply, 200, { token: request.query.token }),
    );

    scope.post(
      '/reset-password',
      {
        schema: {
          hide: true,
          body: Type.Object({
            _csrf: Csrf,
            interaction: Interaction,
            token: Field(200),
            email: Field(400),
            code: Field(40),
            newPassword: Type.String({ maxLength: 1024 }),
          }),
        },
        preHandler: scope.csrfProtection,
      },
      async (request, reply) => {
        const { interaction, newPassword } = request.body;
        const token = present(request.body.token);
        const proof = token
          ? { token }
          : { email: present(request.body.email), code: present(request.body.code) };
        try {
          await deps.credentials.resetPassword({ ...proof, newPassword }, requestContext(request));
          return messagePage(reply, 200, en.resetTitle, en.resetDone, back(interaction));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          const shown = token ? { token } : { email: proof.email };
          if (error.kind === 'invalid' && error.errors?.some((e) => e.path === 'newPassword'))
            return resetForm(reply, 422, shown, interaction, {
              errors: domainFieldErrors(error),
              error: en.fixFields,
            });
          const refused = refusal(error, en.resetRefused);
          return resetForm(reply, refused.status, shown, interaction, { error: refused.text });
        }
      },
    );
  });
}
