// Ajv's validation errors as the one field-error shape every face shows
// (`{path, message}`, paths dotted): for request schemas at the edge and for
// the operator's custom-field schema checked inside the profiles domain.
import type { FieldError } from '../domain-error.ts';
import { PLAIN_TEXT_MESSAGE, PLAIN_TEXT_PATTERN } from './plain-text-rule.ts';

export interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const PART_PREFIX: Record<string, string> = {
  body: '',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/** Patterns whose meaning a person can read, in place of Ajv's `must match pattern "…"`. */
const PATTERN_MESSAGES: ReadonlyMap<unknown, string> = new Map([[PLAIN_TEXT_PATTERN, PLAIN_TEXT_MESSAGE]]);

/** What a nullable field's union adds on top of the real reason: `must be null`, `must match a schema in anyOf`. */
const isUnionNoise = (issue: AjvIssue): boolean =>
  issue.keyword === 'anyOf' || (issue.keyword === 'type' && issue.params.type === 'null');

/**
 * Union noise is dropped when a real reason sits at the same place or below it,
 * so `tags: ["ad\u200Bmin"]` names `tags.0`, not also `tags` (`must be null`).
 */
export function withoutUnionNoise(issues: readonly AjvIssue[]): readonly AjvIssue[] {
  const reasons = issues.filter((issue) => !isUnionNoise(issue)).map((issue) => issue.instancePath);
  return issues.filter(
    (issue) =>
      !isUnionNoise(issue) ||
      !reasons.some((path) => path === issue.instancePath || path.startsWith(`${issue.instancePath}/`)),
  );
}

/** Ajv's errors as `{path, message}`, paths dotted (`name.first`, `query.limit`). */
export function fieldErrors(issues: readonly AjvIssue[], part: string | undefined): FieldError[] {
  const prefix = PART_PREFIX[part ?? 'body'] ?? part ?? '';
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of withoutUnionNoise(issues)) {
    const segments = issue.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = issue.params.missingProperty ?? issue.params.additionalProperty;
    if (typeof extra === 'string') segments.push(extra);
    const path = [prefix, ...segments].filter(Boolean).join('.') || '(root)';
    const message =
      issue.keyword === 'required'
        ? 'is required'
        : issue.keyword === 'additionalProperties'
          ? 'is not a known field'
          : ((issue.keyword === 'pattern' ? PATTERN_MESSAGES.get(issue.params.pattern) : undefined) ??
            issue.message ??
            'is invalid');
    const key = `${path}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path, message });
    }
  }
  return out;
}
