// Seed 004's request shapes, with each constraint its document states.
// Unknown fields are ignored, as the seed's framework (FastAPI) does.
import { Type } from 'typebox';
import { Text } from '../../http/schemas.ts';

export const DEV_TIME_PATTERN = /^[0-9]{13}$/;

export const DevTimeHeaders = Type.Object({
  'x-dev-time': Type.Optional(
    // Checked once, by the surface's onRequest hook (index.ts), which also runs for unknown paths.
    Type.String({
      description:
        'Epoch ms (13 digits). Always validated; it sets the request’s time only in development with ' +
        'ROSTER_DEV_TIME_HEADER=true, and never in production.',
      examples: ['1714400000000'],
    }),
  ),
});

/** The app's course ids (the seed's CourseEnum, whose members it does not list). */
export const CourseId = Type.String({
  pattern: '^[A-Za-z0-9-]{1,64}$',
  description: 'The course the stats or the content belong to (letters, digits, -; at most 64)',
  examples: ['1'],
});

export const SyncQuery = Type.Object({
  course_id: CourseId,
  sync_from_epoch_ms: Type.Integer({
    minimum: 0,
    maximum: 8_640_000_000_000_000,
    description: 'Only days with day_start_epoch_ms >= this',
    examples: [1714262400000],
  }),
  next_cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'The `next_cursor` of the previous sync; omit on the first' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});

const NullableText = (max: number, description?: string) =>
  Type.Optional(Type.Union([Text(max, description ? { description } : {}), Type.Null()]));

export const InfoBody = Type.Object(
  {
    name: Type.Optional(
      Type.Union([Type.Object({ first_name: NullableText(100), last_name: NullableText(100) }), Type.Null()]),
    ),
    background_info: NullableText(1000, 'Educational or professional background'),
    attempt_number: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()])),
    attempt_year: Type.Optional(Type.Union([Type.Integer({ minimum: 1900, maximum: 2100 }), Type.Null()])),
  },
  {
    description: 'Every field optional, at least one given (not null); strings are stripped of whitespace',
    examples: [
      {
        name: { first_name: 'John', last_name: 'Doe' },
        background_info: 'Engineering graduate, preparing for UPSC',
        attempt_number: 2,
        attempt_year: 2026,
      },
    ],
  },
);

const IndianNumber = Type.Object({
  code: Type.Literal('+91', { description: 'India only' }),
  value: Type.String({ pattern: '^[0-9]{10,15}$', description: '10–15 digits', examples: ['9876543210'] }),
});

export const SendOtpBody = Type.Object(
  { phone_number: IndianNumber },
  { examples: [{ phone_number: { code: '+91', value: '9876543210' } }] },
);

export const VerifyOtpBody = Type.Object(
  {
    phone_number: IndianNumber,
    otp: Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code from the SMS' }),
    oti: Type.String({ format: 'uuid', description: 'The one-time id send-phone-otp answered' }),
  },
  {
    examples: [
      {
        phone_number: { code: '+91', value: '9876543210' },
        otp: '123456',
        oti: 'b2c3d4e5-f6a7-8901-bcde-f12345678901',
      },
    ],
  },
);

export const OtpSent = Type.Object({
  message: Type.String({ examples: ['OTP sent successfully'] }),
  expiry_time: Type.Integer({ description: 'When the code expires, epoch ms', examples: [1714400300000] }),
  oti: Type.String({ description: 'One-time id: send it back with the code' }),
});

export const ReportQuery = Type.Object({ course_id: CourseId });

/** The seed's content types. */
export const CONTENT_KINDS = { 1: 'docket', 2: 'mcq' } as const;

export const ReportBody = Type.Object(
  {
    content_id: Text(128, { minLength: 1, description: 'Id of the MCQ or docket' }),
    content_short_uid: Type.Optional(
      Text(64, { minLength: 1, description: 'Human-readable id, e.g. M01234' }),
    ),
    content_type: Type.Union([Type.Literal(1), Type.Literal(2)], { description: 'DOCKET=1, MCQ=2' }),
    issue_type: Type.Optional(Type.Integer({ minimum: 1, maximum: 999, default: 1 })),
    comments: Text(2000, { minLength: 1, description: 'What is wrong' }),
  },
  {
    examples: [
      {
        content_id: '60d5ec49f1b2c72e4c8b4567',
        content_short_uid: 'M01234',
        content_type: 2,
        issue_type: 1,
        comments: 'The correct answer for this question should be option_2, not option_3.',
      },
    ],
  },
);

export const Done = Type.Object({
  id: Type.String(),
  message: Type.String({ examples: ['Operation completed successfully.'] }),
});

export const Picture = Type.Object({
  filename: Type.String({ description: 'Name of the stored 400×400 picture', examples: ['0b8c…-400.webp'] }),
  width: Type.Literal(400),
  height: Type.Literal(400),
  aspect_ratio: Type.Literal('1:1'),
});

export const PictureBody = Type.Unsafe<unknown>({
  properties: { file: { type: 'string', format: 'binary' } },
  required: ['file'],
  description: 'One JPEG, PNG or WEBP file in the `file` field',
});
