// Activity on the wire: a batch of events in, a page of daily totals out.
import { type Static, Type } from 'typebox';
import { Text } from '../../http/schemas.ts';
import {
  ATTEMPT_KINDS,
  type DayView,
  EVENT_ID_MAX,
  EVENTS_PER_BATCH,
  SCOPE_MAX,
  STREAM_PATTERN,
} from './activity.service.ts';

export const EventsBody = Type.Object(
  {
    events: Type.Array(
      Type.Object(
        {
          id: Text(EVENT_ID_MAX, {
            minLength: 1,
            description: 'The app’s id for the event: a retry counts once',
          }),
          userId: Type.Optional(
            Type.String({ maxLength: 64, description: 'Whose (service keys); a user leaves it out' }),
          ),
          stream: Type.String({ pattern: STREAM_PATTERN.source, maxLength: 32, description: 'e.g. `mcq`' }),
          scope: Text(SCOPE_MAX, { minLength: 1, description: 'e.g. the course id' }),
          kind: Type.Union(ATTEMPT_KINDS.map((k) => Type.Literal(k))),
          correct: Type.Boolean(),
          at: Type.String({
            format: 'date-time',
            description: 'When it happened; its UTC day is the one it counts for',
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: EVENTS_PER_BATCH },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        events: [
          {
            id: 'attempt-8812',
            userId: '01a23555-ec71-7108-ad72-6a4af40f1c00',
            stream: 'mcq',
            scope: 'neet-2027',
            kind: 'first_attempt',
            correct: true,
            at: '2026-12-02T08:15:00.000Z',
          },
        ],
      },
    ],
  },
);

export const EventsReply = Type.Object({
  accepted: Type.Integer({ minimum: 0, description: 'Events that counted now' }),
  duplicates: Type.Integer({ minimum: 0, description: 'Events that had counted before (retries)' }),
});

const Totals = Type.Object({ total: Type.Integer(), correct: Type.Integer() });

export const Day = Type.Object({
  stream: Type.String(),
  scope: Type.String(),
  dayStart: Type.String({ format: 'date-time', description: 'The UTC midnight the day starts at' }),
  firstAttempt: Totals,
  reattempt: Totals,
  overall: Totals,
  updatedAt: Type.String({ format: 'date-time' }),
});

export const DaysPage = Type.Object({
  items: Type.Array(Day),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description:
      'Keep it: the next sync from here returns the days changed since, this page’s ones too if they change again',
  }),
  hasMore: Type.Boolean({ description: 'More changed days wait now' }),
});

export const toDay = (d: DayView): Static<typeof Day> => ({
  ...d,
  firstAttempt: { ...d.firstAttempt },
  reattempt: { ...d.reattempt },
  overall: { ...d.overall },
});
