import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { DomainError } from '../../platform/domain-error.ts';
import { sendMailOptions } from '../../platform/mailer/mail-options.ts';
import { normaliseEmail, parseEmail, parseIdentifier } from './identifiers.ts';

const ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

describe('parseEmail: one spelling per mailbox', () => {
  test('lower-cases, trims, drops a trailing dot, converts IDN to punycode, applies NFC', () => {
    const cases: [string, string][] = [
      ['Ada@Example.COM', 'ada@example.com'],
      ['  ada@example.com  ', 'ada@example.com'],
      ['ada@example.com.', 'ada@example.com'],
      ['ada@Bücher.Example', 'ada@xn--bcher-kva.example'],
      ['ada@bu\u0308cher.example', 'ada@xn--bcher-kva.example'], // decomposed ü: NFC first
      ['ada@xn--bcher-kva.example', 'ada@xn--bcher-kva.example'],
      ['ada@ＥＸＡＭＰＬＥ.com', 'ada@example.com'], // full-width letters name the same domain
      ["o'brien+news@mail.example.co.uk", "o'brien+news@mail.example.co.uk"],
      [`a${ATEXT_SPECIALS}z@example.com`, `a${ATEXT_SPECIALS}z@example.com`],
      ['first.middle.last@sub-domain.example', 'first.middle.last@sub-domain.example'],
    ];
    for (const [typed, stored] of cases) assert.equal(parseEmail(typed), stored, typed);
  });

  test('refuses everything that is not a plain addr-spec', () => {
    const refused = [
      // The review's three: a comment, angle brackets, a group.
      'ceo@corp.com(x).evil.com',
      'ceo.corp.com<attacker@evil.com>',
      'boss:attacker2@evil.com',
      'Ada <ada@example.com>',
      'ada@example.com (Ada)',
      'friends: ada@example.com;',
      'ada@example.com, eve@evil.example',
      '"ada"@example.com',
      '"ada@evil.example"@example.com',
      'ada@evil.example@example.com',
      'a b@example.com',
      'ada\t@example.com',
      '.ada@example.com',
      'ada.@example.com',
      'ada..lovelace@example.com',
      'ünïcode@example.com',
      'ada@[192.0.2.1]',
      'ada@192.0.2.1',
      'ada@localhost',
      'ada@example..com',
      'ada@example.com..',
      'ada@-example.com',
      'ada@example-.com',
      'ada@exa_mple.com',
      'ada@ex%41mple.com', // IDNA would decode it; no mailer does
      'ada@exa\u200Bmple.com', // IDNA would drop it; no mailer does
      'ada@exa\u00ADmple.com',
      'ada@example。com',
      '@example.com',
      'ada@',
      'ada',
      '',
      `${'a'.repeat(65)}@example.com`,
      `ada@${'a'.repeat(64)}.com`,
      `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.com`,
    ];
    for (const typed of refused) assert.equal(parseEmail(typed), null, JSON.stringify(typed));
  });

  test('normaliseEmail is a 422 on email for a refused address', () => {
    assert.equal(normaliseEmail(' Ada@Example.com. '), 'ada@example.com');
    assert.throws(
      () => normaliseEmail('ceo.corp.com<attacker@evil.com>'),
      (error: unknown) =>
        error instanceof DomainError &&
        error.code === 'validation_failed' &&
        error.errors?.length === 1 &&
        error.errors[0]!.path === 'email',
    );
  });
});

describe('nodemailer reads every stored address as stored', () => {
  const stored = [
    'ada@example.com',
    `a${ATEXT_SPECIALS}z@example.com`,
    ...[...ATEXT_SPECIALS].map((c) => `x${c}y@example.com`),
    ...[...ATEXT_SPECIALS].map((c) => `${c}@example.com`),
    '=?utf-8?q?eve=40evil.example?=@example.com', // an encoded word is no address
    'ada@xn--bcher-kva.example',
    `${'a'.repeat(64)}@example.com`,
  ];

  test('the addresses above are ones parseEmail keeps unchanged', () => {
    for (const address of stored) assert.equal(parseEmail(address), address, address);
  });

  test('addressparser finds exactly that mailbox and no name', () => {
    for (const address of stored) {
      assert.deepEqual(addressparser(address, { flatten: true }), [{ address, name: '' }], address);
    }
  });

  test('the SMTP envelope and the To header carry it unchanged', async () => {
    for (const address of stored) {
      const options = sendMailOptions(
        { to: address, subject: 's', text: 't', html: '<p>t</p>' },
        'x@roster.example',
      );
      const mail = new MailComposer(options).compile();
      assert.deepEqual(mail.getEnvelope().to, [address], address);
      const raw = (await mail.build()).toString();
      // The header may be folded onto a second line: unfold before reading it.
      const to = /^To:(.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n/g, '');
      assert.deepEqual(addressparser(to ?? '', { flatten: true }), [{ address, name: '' }], to);
    }
  });
});

describe('parseIdentifier', () => {
  test('emails are parsed like sign-up stores them; names are usernames', () => {
    assert.deepEqual(parseIdentifier(' Ada@Bücher.Example. '), {
      kind: 'email',
      value: 'ada@xn--bcher-kva.example',
    });
    assert.deepEqual(parseIdentifier(' Ada_L '), { kind: 'username', value: 'ada_l' });
  });

  test('an @ that is no mailbox names no account', () => {
    for (const typed of ['boss:attacker2@evil.com', 'ceo@corp.com(x).evil.com', 'Ada <ada@example.com>']) {
      assert.deepEqual(parseIdentifier(typed), { kind: 'invalid', value: typed.toLowerCase() });
    }
  });
});
