import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HOTP, Secret, URI } from 'otpauth';
import { generateTotpSecret, totpCodeAt, totpQrSvg, totpStepAt, totpUri, verifyTotp } from './totp.ts';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;
const NOW = new Date('2026-01-01T00:00:10.000Z'); // 10 s into a step
const STEP_MS = 30_000;

function at(offsetSteps: number): Date {
  return new Date(NOW.getTime() + offsetSteps * STEP_MS);
}

describe('generateTotpSecret', () => {
  test('is 160 bits of base32 and never repeats', () => {
    const secret = generateTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(Secret.fromBase32(secret).bytes.length, 20);
    const seen = new Set(Array.from({ length: 200 }, generateTotpSecret));
    assert.equal(seen.size, 200);
  });
});

describe('totpCodeAt', () => {
  test('matches the RFC 6238 SHA-1 vector at T=59', () => {
    // The RFC lists 8 digits; the 6-digit code is its last six.
    assert.equal(HOTP.generate({ secret: Secret.fromBase32(RFC_SECRET), digits: 8, counter: 1 }), '94287082');
    assert.equal(totpCodeAt(RFC_SECRET, new Date(59_000)), '287082');
  });

  test('matches further RFC 6238 SHA-1 vectors', () => {
    assert.equal(totpCodeAt(RFC_SECRET, new Date(1_111_111_109_000)), '081804');
    assert.equal(totpCodeAt(RFC_SECRET, new Date(1_234_567_890_000)), '005924');
  });

  test('is stable within a step and changes at its boundary', () => {
    const secret = generateTotpSecret();
    const start = new Date(Math.floor(NOW.getTime() / STEP_MS) * STEP_MS);
    assert.equal(totpCodeAt(secret, start), totpCodeAt(secret, new Date(start.getTime() + STEP_MS - 1)));
    assert.equal(totpStepAt(new Date(start.getTime() + STEP_MS)), totpStepAt(start) + 1);
  });

  test('refuses an invalid date', () => {
    assert.throws(() => totpCodeAt(RFC_SECRET, new Date('nope')), RangeError);
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const step = totpStepAt(NOW);

  test('accepts the current, previous and next step and returns that step', () => {
    for (const offset of [-1, 0, 1]) {
      const code = totpCodeAt(secret, at(offset));
      assert.equal(verifyTotp({ secret, code, now: NOW, lastUsedStep: null }), step + offset);
    }
  });

  test('refuses codes two steps away', () => {
    for (const offset of [-2, 2]) {
      const code = totpCodeAt(secret, at(offset));
      // Guard against the 1-in-10^6 chance that a nearer step has the same code.
      if ([-1, 0, 1].some((near) => totpCodeAt(secret, at(near)) === code)) continue;
      assert.equal(verifyTotp({ secret, code, now: NOW, lastUsedStep: null }), null);
    }
  });

  test('refuses a replay of the same step and any older step', () => {
    const code = totpCodeAt(secret, NOW);
    const used = verifyTotp({ secret, code, now: NOW, lastUsedStep: null });
    assert.equal(used, step);
    assert.equal(verifyTotp({ secret, code, now: NOW, lastUsedStep: used }), null);
    // Still refused half a minute later, while the code is inside the drift window.
    assert.equal(verifyTotp({ secret, code, now: at(1), lastUsedStep: used }), null);
    // After a newer code was used, the previous step's code no longer works.
    const previous = totpCodeAt(secret, at(-1));
    assert.equal(verifyTotp({ secret, code: previous, now: NOW, lastUsedStep: step }), null);
    // The next step's code is still fresh.
    const next = totpCodeAt(secret, at(1));
    assert.equal(verifyTotp({ secret, code: next, now: at(1), lastUsedStep: used }), step + 1);
  });

  test('refuses a wrong code', () => {
    const right = new Set([-1, 0, 1].map((offset) => totpCodeAt(secret, at(offset))));
    const wrong = ['000000', '123456', '999999'].find((code) => !right.has(code))!;
    assert.equal(verifyTotp({ secret, code: wrong, now: NOW, lastUsedStep: null }), null);
  });

  test('refuses anything but exactly six ASCII digits', () => {
    const code = totpCodeAt(secret, NOW);
    for (const input of ['', '12345', '1234567', 'abcdef', `${code} `, ` ${code}`, '12 345', '١٢٣٤٥٦']) {
      assert.equal(verifyTotp({ secret, code: input, now: NOW, lastUsedStep: null }), null, input);
    }
    // Refused before the secret is even parsed: no work for junk.
    assert.equal(verifyTotp({ secret: '!', code: 'abcdef', now: NOW, lastUsedStep: null }), null);
  });

  test('uses the injected time, not the system clock', () => {
    const code = totpCodeAt(RFC_SECRET, new Date(59_000));
    assert.equal(verifyTotp({ secret: RFC_SECRET, code, now: new Date(59_000), lastUsedStep: null }), 1);
  });

  test('throws on a corrupt secret or a bad lastUsedStep', () => {
    assert.throws(() => verifyTotp({ secret: '!!', code: '123456', now: NOW, lastUsedStep: null }));
    assert.throws(() => verifyTotp({ secret, code: '123456', now: NOW, lastUsedStep: 1.5 }), RangeError);
  });
});

describe('totpUri', () => {
  test('has the Key Uri Format with issuer and account URL-encoded', () => {
    const secret = generateTotpSecret();
    const uri = totpUri({ secret, account: 'ann+mfa@example.com', issuer: 'Acme & Co' });
    assert.equal(
      uri,
      `otpauth://totp/Acme%20%26%20Co:ann%2Bmfa%40example.com?secret=${secret}` +
        '&issuer=Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30',
    );
    const parsed = new URL(uri);
    assert.equal(parsed.searchParams.get('issuer'), 'Acme & Co');
    assert.equal(parsed.searchParams.get('secret'), secret);
  });

  test('an account with colons is encoded, and the label still splits after the issuer', () => {
    const secret = generateTotpSecret();
    const uri = totpUri({ secret, account: 'boss:attacker2@evil.com', issuer: 'Roster' });
    const label = new URL(uri).pathname.replace(/^\/\/totp\//, '').replace(/^\//, '');
    assert.equal(label, 'Roster:boss%3Aattacker2%40evil.com');
    const [issuer, ...rest] = decodeURIComponent(label).split(':');
    assert.equal(issuer, 'Roster');
    assert.equal(rest.join(':'), 'boss:attacker2@evil.com');
    // otpauth, the library apps' parsers are modelled on, reads the same names.
    const parsed = URI.parse(uri);
    assert.equal(parsed.issuer, 'Roster');
    assert.equal(parsed.label, 'boss:attacker2@evil.com');
  });

  test('refuses an issuer with a colon, empty names and corrupt secrets', () => {
    const secret = generateTotpSecret();
    assert.throws(() => totpUri({ secret, account: 'ann', issuer: 'Acme: EU' }), RangeError);
    assert.throws(() => totpUri({ secret, account: ' ', issuer: 'Acme' }), RangeError);
    assert.throws(() => totpUri({ secret, account: 'ann', issuer: '' }), RangeError);
    assert.throws(() => totpUri({ secret: '!!', account: 'ann', issuer: 'Acme' }));
  });
});

describe('totpQrSvg', () => {
  test('renders an SVG document', async () => {
    const uri = totpUri({ secret: generateTotpSecret(), account: 'ann@example.com', issuer: 'Roster' });
    const svg = await totpQrSvg(uri);
    assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
    assert.ok(svg.trimEnd().endsWith('</svg>'));
  });
});
