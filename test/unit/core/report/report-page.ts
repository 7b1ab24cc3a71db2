/**
 * The HTML report opened in happy-dom, a DOM from npm, with its one inline script run as a browser would run it:
 * the tests click the page's own controls and read what it shows. happy-dom rather than jsdom: a handful of
 * dependencies instead of dozens, it starts in milliseconds, and it runs inline scripts and SVG events, which is
 * all the report needs. It does not enforce the CSP; test/browser checks the page in Chromium, which does.
 */
import { type HTMLElement, Window } from 'happy-dom';

export interface ReportPage {
  window: Window;
  document: Window['document'];
  /** The certificate rows in their current order. */
  rows(): HTMLElement[];
  /** The domains of the rows not hidden, in order (the part before `.example`). */
  visible(): string[];
  click(selector: string): void;
  key(selector: string, key: string): void;
  text(selector: string): string;
  close(): Promise<void>;
}

export function openReport(html: string): ReportPage {
  // The script is the report's own, written by renderHtml: evaluating it is the point of the test.
  const window = new Window({
    settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true },
  });
  const document = window.document;
  document.write(html);
  const element = (selector: string) => {
    const found = document.querySelector(selector);
    if (found === null) throw new Error(`the report has no element ${selector}`);
    return found;
  };
  const rows = () => [...document.querySelectorAll('#certs tbody tr')] as HTMLElement[];
  return {
    window,
    document,
    rows,
    visible: () =>
      rows()
        .filter((row) => !row.hidden)
        .map((row) => row.children[1]?.textContent.split('.example')[0] ?? ''),
    click: (selector) => {
      element(selector).dispatchEvent(new window.MouseEvent('click', { bubbles: true }));
    },
    key: (selector, key) => {
      element(selector).dispatchEvent(new window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    },
    text: (selector) => element(selector).textContent ?? '',
    close: () => window.happyDOM.close(),
  };
}
