/** The audit report: schema, builder and the table, CSV, HTML and change renderings. */
export { type BuildReportInput, buildReport } from './build';
export { type CompareReportsOptions, compareReports, renderChanges } from './compare';
export { csvField, csvText, renderCsv } from './csv';
export { escapeHtml, renderHtml } from './html';
export {
  parseReport,
  type Report,
  type ReportCertificate,
  ReportCertificateSchema,
  type ReportCt,
  ReportFormatError,
  ReportSchema,
  type ReportSummary,
  type ReportTarget,
  ReportTargetSchema,
} from './schema';
export { type RenderTableOptions, renderTable, summaryLine, terminalSafe } from './table';
