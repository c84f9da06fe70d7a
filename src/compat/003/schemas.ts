// Seed 003's request shapes. Unknown fields are dropped, as the document's
// framework does; each documented one is checked here or by the domain.
import { Type } from 'typebox';
import { PlainText } from '../../http/plain-text.ts';
import { Text } from '../../http/schemas.ts';

const Opt = <T extends ReturnType<typeof Text>>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const Shown = (max: number) => Opt(PlainText(max));
const Field = (max: number) => Opt(Text(max));
const Url = (description: string) => Opt(Text(300, { description }));

export const UpdateBody = Type.Object(
  {
    firstName: Shown(100),
    lastName: Shown(100),
    email: Type.Optional(
      Type.String({ maxLength: 320, description: 'Cannot be changed here: a different address is a 422' }),
    ),
    profile: Type.Optional(
      Type.Object({
        contact: Type.Optional(
          Type.Object({
            country: Field(100),
            state: Field(100),
            city: Field(100),
            address: Field(300),
            phone: Opt(Text(32, { description: 'International format, e.g. +4412345678987' })),
          }),
        ),
        bio: Type.Optional(Type.Object({ title: Shown(120), description: Field(500) })),
        talent: Type.Optional(
          Type.Object({
            about: Field(5000),
            availability: Type.Optional(
              Type.Union([
                Type.Literal('available'),
                Type.Literal('limited'),
                Type.Literal('unavailable'),
                Type.Null(),
              ]),
            ),
            tags: Type.Optional(
              Type.Union([Type.Array(PlainText(40, { minLength: 1 }), { maxItems: 50 }), Type.Null()]),
            ),
          }),
        ),
      }),
    ),
    socials: Type.Optional(
      Type.Object({
        github: Url('https://github.com/…'),
        twitter: Url('https://twitter.com/… (or x.com)'),
        linkedin: Url('https://linkedin.com/…'),
        website: Url('Any http(s) URL'),
      }),
    ),
  },
  {
    examples: [
      {
        firstName: 'Alice',
        lastName: 'Bob',
        profile: {
          contact: {
            country: 'England',
            state: 'Manchester',
            city: 'Manchester',
            address: '30, alice bob blvd.',
            phone: '+4412345678987',
          },
          bio: { title: 'Software Engineer', description: 'Builds software Products' },
          talent: {
            about: 'About this user?. User is the best developer in the solar system',
            availability: 'available',
            tags: ['product', 'writing', 'custom', 'engineering', 'devops', 'web3', 'crypto'],
          },
        },
        socials: {
          github: 'https://github.com/tester',
          twitter: 'https://twitter.com/tester',
          linkedin: 'https://linkedin.com/tester',
          website: 'https://mywebsite.com',
        },
      },
    ],
  },
);

/** The domain's field paths by their seed names, for refusals. */
export const UPDATE_FIELDS: Readonly<Record<string, string>> = {
  'name.first': 'firstName',
  'name.last': 'lastName',
  'contact.country': 'profile.contact.country',
  'contact.state': 'profile.contact.state',
  'contact.city': 'profile.contact.city',
  'contact.address': 'profile.contact.address',
  'contact.phone': 'profile.contact.phone',
  headline: 'profile.bio.title',
  bio: 'profile.bio.description',
  about: 'profile.talent.about',
  availability: 'profile.talent.availability',
  tags: 'profile.talent.tags',
};

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 12, examples: [20] })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1, description: 'From 1' })),
  role: Type.Optional(
    Type.String({
      pattern: '^[a-z][a-z0-9_-]{0,31}$',
      description: '`user` or a business role',
      examples: ['partner'],
    }),
  ),
  profileCompletenessMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, examples: [70] })),
  profileCompletenessMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, examples: [100] })),
  tags: Type.Optional(
    Text(500, { description: 'Comma-separated; a user must carry all of them', examples: ['ui design'] }),
  ),
  owner: Type.Optional(
    Type.Boolean({
      description: 'Only accounts you brought in: signed up with your referral or invite code',
    }),
  ),
  search: Type.Optional(
    Text(100, {
      description: 'Words in the name, username or headline, case-insensitive',
      examples: ['jer'],
    }),
  ),
});

export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'A user id' }) });

export const PasswordChangeBody = Type.Object(
  {
    oldPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { examples: [{ oldPassword: '1234@Abcde', newPassword: '1234567890@Abcde' }] },
);

export const PasswordBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { examples: [{ password: 'Password@123.' }] },
);

export const TwoFaTypeBody = Type.Object(
  { type: Type.Union([Type.Literal('email'), Type.Literal('google_auth')]) },
  { examples: [{ type: 'email' }] },
);

export const CodeBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code' }) },
  { examples: [{ code: '383515' }] },
);

export const EmailTypeQuery = Type.Object({
  emailType: Type.Optional(Type.Literal('two_fa', { description: 'Must be two_fa' })),
});
