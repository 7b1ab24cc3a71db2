/** The audit report: schema, builder and the table, CSV, HTML and change renderings. */
export { type BuildReportInput, buildReport } from './build';
export { type CompareReportsOptions, compareReports, renderChanges } from './compare';
export { csvField, csvText, renderCsv } from './csv';
export { escapeHtml, type RenderHtmlOptions, renderHtml } from './html';
export { withRouting } from './routing';
export {
  parseReport,
  type Report,
  type ReportCertificate,
  ReportCertificateSchema,
  type ReportCt,
  type ReportEndpoint,
  ReportEndpointSchema,
  ReportFormatError,
  ReportSchema,
  type ReportSummary,
  type ReportTarget,
  ReportTargetSchema,
} from './schema';
export { REPORT_SECTIONS, type ReportSection } from './sections';
export { type RenderTableOptions, renderTable, summaryLine, terminalSafe } from './table';
