// The reports module's entry: what other modules and faces may use of it.
export {
  createReportsService,
  type ModerationView,
  type NewReport,
  type ReportsService,
  type ReportView,
} from './reports.service.ts';
