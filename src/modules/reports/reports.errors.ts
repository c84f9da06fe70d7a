import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const reportErrors = defineErrors({
  report_not_found: { kind: 'not_found', title: 'No such report' },
  report_resolved: { kind: 'conflict', title: 'The report has been resolved already' },
  report_self: { kind: 'invalid', title: 'A user cannot report themself' },
});

export const reportError = errorFactory(reportErrors);
