import type { z } from 'zod';
import { ValidationError } from './errors.js';

const MAX_ISSUES_SHOWN = 8;
/** Problems quote the caller's keys and values; long ones are cut so errors stay readable. */
const MAX_LINE_LENGTH = 200;

/** One line per problem, `path: message`, for error messages a person can act on. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    const line = `${path}: ${issue.message}`;
    return line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}…` : line;
  });
  if (issues.length > MAX_ISSUES_SHOWN)
    lines.push(`… and ${issues.length - MAX_ISSUES_SHOWN} more`);
  return lines.join('; ');
}

/** Parses `value` with `schema`, or throws a ValidationError that lists every problem. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  code = 'validation_error',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(`Invalid ${what}: ${formatIssues(result.error.issues)}`, { code });
  }
  return result.data;
}
