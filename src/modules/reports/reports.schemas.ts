// Reports on the wire: what a user files, what they get back, and what staff
// see in the queue.
import { type Static, type TSchema, Type } from 'typebox';
import { Text } from '../../http/schemas.ts';
import {
  COMMENTS_MAX,
  ID_MAX,
  KIND_PATTERN,
  type ModerationView,
  NOTE_MAX,
  type ReportView,
} from './reports.service.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Kind = (description: string) =>
  Type.String({ pattern: KIND_PATTERN.source, maxLength: 32, description });

export const NewReportBody = Type.Object(
  {
    subject: Type.Object(
      {
        type: Kind('`user`, or a kind of the app’s content (`docket`, `mcq`, …)'),
        id: Text(ID_MAX, { minLength: 1, description: 'The user’s id, or the content’s id in the app' }),
        shortId: Type.Optional(
          Text(64, { minLength: 1, description: 'The id people see, when the app has one' }),
        ),
      },
      { additionalProperties: false },
    ),
    issueType: Kind('What is wrong, in the app’s words (`wrong_answer`, `typo`, `abuse`, …)'),
    context: Type.Optional(
      Type.Object(
        { type: Kind('Where it was met (`course`, …)'), id: Text(ID_MAX, { minLength: 1 }) },
        { additionalProperties: false },
      ),
    ),
    comments: Type.Optional(Text(COMMENTS_MAX, { description: 'Free text, up to 2000 characters' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        subject: { type: 'mcq', id: '64f1c0ffee', shortId: 'Q-1042' },
        issueType: 'wrong_answer',
        context: { type: 'course', id: 'neet-2027' },
        comments: 'Option B is the right one.',
      },
    ],
  },
);

const Subject = Type.Object({ type: Type.String(), id: Type.String(), shortId: Nullable(Type.String()) });
const Context = Nullable(Type.Object({ type: Type.String(), id: Type.String() }));
const Status = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
const Outcome = Type.Union([Type.Literal('actioned'), Type.Literal('dismissed')]);

export const Report = Type.Object(
  {
    id: Type.String(),
    subject: Subject,
    issueType: Type.String(),
    context: Context,
    comments: Nullable(Type.String()),
    status: Status,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A report, as its reporter sees it' },
);

export const ModerationReport = Type.Object(
  {
    ...Report.properties,
    reporterId: Nullable(Type.String({ description: 'null once the reporter’s account was erased' })),
    outcome: Nullable(Outcome),
    resolutionNote: Nullable(Type.String()),
    resolvedBy: Nullable(Type.String()),
    resolvedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { description: 'A report, as staff see it' },
);

export const ResolveBody = Type.Object(
  {
    outcome: Outcome,
    note: Type.Optional(Type.String({ maxLength: NOTE_MAX, description: 'What was done, for the record' })),
  },
  { additionalProperties: false, examples: [{ outcome: 'actioned', note: 'Answer key fixed.' }] },
);

export const toReport = (v: ReportView): Static<typeof Report> => ({
  id: v.id,
  subject: { ...v.subject },
  issueType: v.issueType,
  context: v.context ? { ...v.context } : null,
  comments: v.comments,
  status: v.status,
  createdAt: v.createdAt,
});

export const toModerationReport = (v: ModerationView): Static<typeof ModerationReport> => ({
  ...toReport(v),
  reporterId: v.reporterId,
  outcome: v.outcome,
  resolutionNote: v.resolutionNote,
  resolvedBy: v.resolvedBy,
  resolvedAt: v.resolvedAt,
});
