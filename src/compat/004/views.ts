// The domain's views renamed to seed 004's shapes (snake_case, times in epoch
// milliseconds). Only renaming: what a view leaves out, these cannot show.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { type Static, Type } from 'typebox';
import type { DayView } from '../../modules/activity/index.ts';
import type { OwnerView } from '../../modules/profiles/index.ts';
import { commonError } from '../../platform/errors.ts';

const ms = (iso: string) => new Date(iso).getTime();
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** The profile's custom keys holding seed 004's exam fields (docs/compat/004.md). */
export const EXAM_FIELDS = {
  background_info: 'backgroundInfo',
  attempt_number: 'attemptNumber',
  attempt_year: 'attemptYear',
} as const;

export const PhoneNumber = Type.Object({
  code: Type.String({ description: 'Country calling code', examples: ['+91'] }),
  value: Type.String({ description: 'The national number, digits only', examples: ['9876543210'] }),
});

/** The seed's UserDetailsResponse (its `GET /auth/me` data; the seed does not list it: see docs/compat/004.md). */
export const UserDetails = Type.Object({
  id: Type.String({ examples: ['0193e4c2-7a1b-7c3d-9e8f-0a1b2c3d4e5f'] }),
  name: Type.Object({
    first_name: Nullable(Type.String({ examples: ['John'] })),
    last_name: Nullable(Type.String({ examples: ['Doe'] })),
  }),
  email: Nullable(Type.String()),
  is_email_validated: Type.Boolean(),
  phone_number: Type.Union([PhoneNumber, Type.Null()]),
  is_phone_validated: Type.Boolean(),
  background_info: Nullable(Type.String({ examples: ['Engineering graduate, preparing for UPSC'] })),
  attempt_number: Type.Union([Type.Integer({ minimum: 1, examples: [2] }), Type.Null()]),
  attempt_year: Type.Union([Type.Integer({ examples: [2026] }), Type.Null()]),
  profile_picture: Nullable(Type.String({ description: 'URL of the 400×400 picture' })),
  created_at: Type.Integer({ description: 'Epoch ms' }),
  updated_at: Type.Integer({ description: 'Epoch ms' }),
});

function phoneNumber(e164: string | null): Static<typeof PhoneNumber> | null {
  if (e164 === null) return null;
  const parsed = parsePhoneNumberFromString(e164);
  return parsed
    ? { code: `+${parsed.countryCallingCode}`, value: String(parsed.nationalNumber) }
    : { code: '', value: e164 };
}

const stringOr = (v: unknown) => (typeof v === 'string' ? v : null);
const integerOr = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);

export const toUserDetails = (v: OwnerView): Static<typeof UserDetails> => ({
  id: v.id,
  name: { first_name: v.name.first, last_name: v.name.last },
  email: v.email,
  is_email_validated: v.emailVerified,
  phone_number: phoneNumber(v.phone),
  is_phone_validated: v.phoneVerified,
  background_info: stringOr(v.custom[EXAM_FIELDS.background_info]),
  attempt_number: integerOr(v.custom[EXAM_FIELDS.attempt_number]),
  attempt_year: integerOr(v.custom[EXAM_FIELDS.attempt_year]),
  profile_picture: v.avatarUrl,
  created_at: ms(v.createdAt),
  updated_at: ms(v.updatedAt),
});

const Count = Type.Integer({ minimum: 0 });

export const DailyStats = Type.Object({
  id: Type.String({
    description: '{user_id}_{course_id}_{day_start_epoch_ms}',
    examples: ['507f1f77bcf86cd799439011_1_1714348800000'],
  }),
  day_start_epoch_ms: Type.Integer({
    description: 'Day start (00:00 UTC) in epoch ms',
    examples: [1714348800000],
  }),
  first_attempt_total: Count,
  first_attempt_correct: Count,
  reattempt_total: Count,
  reattempt_correct: Count,
  overall_total: Count,
  overall_correct: Count,
});

export const dailyStatsId = (userId: string, day: DayView) => `${userId}_${day.scope}_${ms(day.dayStart)}`;

export const toDailyStats = (userId: string, day: DayView): Static<typeof DailyStats> => ({
  id: dailyStatsId(userId, day),
  day_start_epoch_ms: ms(day.dayStart),
  first_attempt_total: day.firstAttempt.total,
  first_attempt_correct: day.firstAttempt.correct,
  reattempt_total: day.reattempt.total,
  reattempt_correct: day.reattempt.correct,
  overall_total: day.overall.total,
  overall_correct: day.overall.correct,
});

/**
 * The sync cursor: base64 of JSON `{updated_at, id, seq}`, the last row's
 * update time and id (the seed's shape) and the change number it was synced
 * at, which is what the next page starts after. The id names the user and
 * course it was issued for: a cursor of another course (or user) would skip
 * changes this one has not seen, so it is refused like anything else that is
 * not a cursor this API issued, with a 1006.
 */
export function writeCursor(userId: string, day: DayView, seq: number): string {
  const json = JSON.stringify({ updated_at: ms(day.updatedAt), id: dailyStatsId(userId, day), seq });
  return Buffer.from(json).toString('base64');
}

export function readCursor(cursor: string | undefined, userId: string, courseId: string): number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { seq, id } = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as {
      seq?: unknown;
      id?: unknown;
    };
    const prefix = `${userId}_${courseId}_`;
    const issuedHere =
      typeof id === 'string' && id.startsWith(prefix) && /^[0-9]+$/.test(id.slice(prefix.length));
    if (issuedHere && Number.isSafeInteger(seq) && (seq as number) >= 1) return seq as number;
  } catch {
    // fall through
  }
  throw commonError('invalid_cursor', {
    detail: 'Pass back the next_cursor of an earlier sync of this course unchanged.',
    errors: [{ path: 'query.next_cursor', message: 'is not a cursor this API issued for this course' }],
  });
}
