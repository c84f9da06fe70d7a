// Forged, tampered, expired and revoked access tokens are refused with 401
// and a WWW-Authenticate header; only an EdDSA signature by one of the
// service's own keys over the right claims, for a live session, is accepted.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createKeyStore } from '../../src/modules/sessions/signing-keys.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createEncrypter } from '../../src/platform/crypto/encryption.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, get, post, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, session, verifiedAccount } from '../helpers/factories.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unb64 = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

function parts(token: string) {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  return { header: unb64(header), payload: unb64(payload), signature };
}

describe(`access token forgery (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;
  let mine: { accessToken: string; refreshToken: string; sessionId: string; user: { id: string } };
  let otherUserId: string;

  const me = (token: string | null, raw?: string): Promise<Reply> =>
    request(t, 'GET', '/v1/me', {
      headers: raw !== undefined ? { authorization: raw } : token ? { authorization: `Bearer ${token}` } : {},
    });

  function assertRefused(res: Reply, hint: string) {
    assertProblem(res, 401, res.json().code as string);
    assert.match(String(res.headers['www-authenticate']), /^Bearer/, `${hint}: WWW-Authenticate`);
    assert.doesNotMatch(res.body, new RegExp(mine.user.id), `${hint}: no user data`);
  }

  /** Claims as the service would sign them, for forgeries to start from. */
  const claimsOf = (token: string) => parts(token).payload;

  before(async () => {
    t = await buildTestApp({ clock });
    const email = freshEmail('tokens');
    await verifiedAccount(t, { email });
    mine = await session(t, email);
    ({ id: otherUserId } = await verifiedAccount(t, { email: freshEmail('other') }));
    assert.equal((await me(mine.accessToken)).statusCode, 200, 'the genuine token works');
  });
  after(() => t.close());

  it('refuses alg "none" (and its spellings) with valid-looking claims', async () => {
    const { header, payload, signature } = parts(mine.accessToken);
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const unsigned = `${b64({ ...header, alg })}.${b64(payload)}`;
      assertRefused(await me(`${unsigned}.`), `alg ${alg} without signature`);
      assertRefused(await me(`${unsigned}.${signature}`), `alg ${alg} with the old signature`);
    }
  });

  it('refuses a modified payload under the original signature', async () => {
    const { header, payload, signature } = parts(mine.accessToken);
    const changes: Record<string, unknown>[] = [
      { sub: otherUserId },
      { scope: 'admin' },
      { exp: Number(payload.exp) + 86_400 },
      { role: 'admin' },
    ];
    for (const change of changes) {
      const forged = `${b64(header)}.${b64({ ...payload, ...change })}.${signature}`;
      assertRefused(await me(forged), `payload ${JSON.stringify(change)}`);
    }
    // A flipped signature byte, too.
    const sig = Buffer.from(signature, 'base64url');
    sig[0] = sig[0]! ^ 1;
    assertRefused(
      await me(`${b64(header)}.${b64(payload)}.${sig.toString('base64url')}`),
      'flipped signature',
    );
  });

  it('refuses a token signed by another Ed25519 key that claims the same kid (or embeds its key)', async () => {
    const { header, payload } = parts(mine.accessToken);
    const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const headers = [
      { alg: 'EdDSA', typ: 'at+jwt', kid: header.kid as string },
      { alg: 'EdDSA', typ: 'at+jwt', kid: header.kid as string, jwk: attackerJwk },
      { alg: 'EdDSA', typ: 'at+jwt', jwk: attackerJwk },
      { alg: 'EdDSA', typ: 'at+jwt', kid: "' OR '1'='1" },
      { alg: 'EdDSA', typ: 'at+jwt', kid: '../../../../etc/passwd' },
    ];
    for (const protectedHeader of headers) {
      const forged = await new SignJWT(payload).setProtectedHeader(protectedHeader).sign(attacker.privateKey);
      assertRefused(await me(forged), `header ${JSON.stringify(protectedHeader).slice(0, 60)}`);
    }
  });

  it('refuses HS256 tokens keyed with the published public key (algorithm confusion)', async () => {
    const jwks = (await get(t, '/.well-known/jwks.json')).json() as {
      keys: JWK[];
    };
    const { header, payload } = parts(mine.accessToken);
    const jwk = jwks.keys.find((k) => k.kid === header.kid)!;
    assert.ok(jwk, 'the signing key is published');
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const secrets = [
      Buffer.from(jwk.x!, 'base64url'),
      Buffer.from(JSON.stringify(jwk)),
      Buffer.from(String(pem)),
      Buffer.from(jwk.x!),
    ];
    for (const secret of secrets) {
      for (const alg of ['HS256', 'HS512']) {
        const forged = await new SignJWT(payload)
          .setProtectedHeader({ alg, typ: 'at+jwt', kid: header.kid as string })
          .sign(new Uint8Array(secret));
        assertRefused(await me(forged), `${alg} with a ${secret.length}-byte secret`);
      }
    }
  });

  it('checks issuer, audience, type and the session even under the real key', async () => {
    const keys = createKeyStore({
      db: t.db.database.db,
      encrypter: createEncrypter(t.config.secrets),
      clock,
      tokenLifetimeMs: 15 * 60_000,
    });
    await keys.start();
    keys.stop();
    const { kid, key } = keys.signingKey();
    const sign = (claims: Record<string, unknown>, typ = 'at+jwt') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(key);
    const base = claimsOf(mine.accessToken);

    // Control: the harness can make a token the service accepts.
    assert.equal((await me(await sign(base))).statusCode, 200);

    assertRefused(await me(await sign({ ...base, iss: 'http://evil.example' })), 'foreign issuer');
    assertRefused(await me(await sign({ ...base, aud: 'http://other.example' })), 'foreign audience');
    assertRefused(await me(await sign(base, 'JWT')), 'typ JWT (an ID token, say)');
    const { sid: _sid, ...noSid } = base;
    assertRefused(await me(await sign(noSid)), 'no session id');
    assertRefused(await me(await sign({ ...base, sub: otherUserId })), "my session, another user's id");
    assertRefused(await me(await sign({ ...base, sid: crypto.randomUUID() })), 'an unknown session');
  });

  it('refuses a token once it has expired (15 minutes)', async () => {
    const email = freshEmail('expiry');
    await verifiedAccount(t, { email });
    const s = await session(t, email);
    clock.advance(14 * 60_000);
    assert.equal((await me(s.accessToken)).statusCode, 200, 'still valid at 14 min');
    clock.advance(2 * 60_000);
    const res = await me(s.accessToken);
    assertRefused(res, 'expired');
    assert.equal(res.headers['www-authenticate'], 'Bearer error="invalid_token"');
  });

  it('refuses the access and refresh tokens of a revoked session', async () => {
    const email = freshEmail('revoked');
    await verifiedAccount(t, { email });
    const s = await session(t, email);
    const other = await session(t, email);
    assert.equal((await me(s.accessToken)).statusCode, 200);

    const out = await request(t, 'DELETE', '/v1/sessions/current', { token: s.accessToken });
    assert.equal(out.statusCode, 204);
    assertRefused(await me(s.accessToken), 'logged out');
    const refresh = await post(t, '/v1/sessions/refresh', { refreshToken: s.refreshToken });
    assertProblem(refresh, 401, 'invalid_refresh_token');

    // "Log out everywhere" from the other session ends that one as well.
    assert.equal((await me(other.accessToken)).statusCode, 200);
    const all = await request(t, 'DELETE', '/v1/sessions', { token: other.accessToken });
    assert.equal(all.statusCode, 204);
    assertRefused(await me(other.accessToken), 'logged out everywhere');
  });

  it('refuses missing, empty, garbage and non-bearer credentials with WWW-Authenticate', async () => {
    const headers: (string | undefined)[] = [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Bearer garbage',
      'Bearer a.b.c',
      'Bearer ...',
      'Bearer eyJhbGciOiJFZERTQSJ9',
      `Basic ${Buffer.from('user:pass').toString('base64')}`,
      `Token ${mine.accessToken}`,
      `Bearer ${mine.accessToken} ${mine.accessToken}`,
      `Bearer ${mine.refreshToken}`,
      `Bearer ${'A'.repeat(8000)}`,
    ];
    for (const raw of headers) {
      const res = raw === undefined ? await me(null) : await me(null, raw);
      assertRefused(res, `Authorization: ${String(raw).slice(0, 40)}`);
      assert.ok(['unauthenticated', 'invalid_token'].includes(res.json().code as string));
    }
  });
});
