/**
 * The report's further tables, after the certificates: the place where a feature that adds data to the report (the
 * served endpoints a probe found, the Certificate Transparency issuances outside ACM) adds its own table, without
 * touching the page's layout or its script. A section is a pure function of the report; it returns nothing when the
 * report has no data for it, so an older report renders as before.
 *
 * What a section gets for free from the page's script: rows carrying `data-target="<account>#<region>"` are
 * filtered with the certificates when a cell of the account × region grid is clicked; an element carrying
 * `data-filter` and `data-value` is a filter control like the chart's bars. Its markup must escape every value
 * (escape.ts) and may not add a script or a style sheet of its own: the page's Content-Security-Policy allows only
 * the one script it names by hash.
 */
import { ctTable, ctTitle } from './ct-section';
import { endpointsTable } from './endpoints-section';
import type { Report } from './schema';

export interface ReportSection {
  /** The section element's id, also its anchor in the page: lower-case letters and hyphens. */
  readonly id: string;
  /** Its heading; a function when the heading counts what the report holds. */
  readonly title: string | ((report: Report) => string);
  /** The section's body (usually one table), or undefined when the report holds nothing for it. */
  render(report: Report): string | undefined;
}

/** In page order. */
export const REPORT_SECTIONS: readonly ReportSection[] = [
  {
    id: 'endpoints',
    title: (report) => `What endpoints serve (${report.endpoints?.length ?? 0})`,
    render: endpointsTable,
  },
  {
    id: 'ct',
    title: ctTitle,
    render: ctTable,
  },
];
