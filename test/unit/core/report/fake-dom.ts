/**
 * Just enough of a DOM to run the report page's inline script against the markup renderHtml wrote: the
 * certificate table, its header cells, the filter box and the finding checkboxes. The markup is machine-written
 * with a known shape, so a few regular expressions can read it.
 */
import { Script } from 'node:vm';

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&(lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity] ?? entity);
}

function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(/([\w-]+)="([^"]*)"/g)) attributes.set(match[1] ?? '', textOf(match[2] ?? ''));
  return attributes;
}

export class FakeElement {
  hidden = false;
  value = '';
  checked = false;
  private readonly listeners = new Map<string, Array<() => void>>();
  constructor(
    readonly attributes: Map<string, string>,
    public textContent: string,
    readonly cells: FakeElement[] = [],
  ) {}
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name);
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
}

export interface ReportPage {
  headers: FakeElement[];
  /** Body rows in their current order. */
  rows: FakeElement[];
  search: FakeElement;
  checkboxes: FakeElement[];
  shown: FakeElement;
}

export function loadReportPage(html: string): ReportPage {
  const table = /<table id="certs">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  const headers = [
    ...(/<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '').matchAll(/<th([^>]*)>([\s\S]*?)<\/th>/g),
  ].map((match) => new FakeElement(attributesOf(match[1] ?? ''), textOf(match[2] ?? '')));
  const rows = [...(/<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '').matchAll(/<tr([^>]*)>([\s\S]*?)<\/tr>/g)].map(
    (match) => {
      const cells = [...(match[2] ?? '').matchAll(/<td([^>]*)>([\s\S]*?)<\/td>/g)].map(
        (cell) => new FakeElement(attributesOf(cell[1] ?? ''), textOf(cell[2] ?? '')),
      );
      return new FakeElement(attributesOf(match[1] ?? ''), cells.map((cell) => cell.textContent).join(''), cells);
    },
  );
  const checkboxes = [...html.matchAll(/<input type="checkbox" name="finding"[^>]*>/g)].map((match) => {
    const input = new FakeElement(attributesOf(match[0]), '');
    input.value = input.getAttribute('value') ?? '';
    return input;
  });
  const search = new FakeElement(new Map(), '');
  const shown = new FakeElement(new Map(), '');
  const page: ReportPage = { headers, rows, search, checkboxes, shown };
  const body = {
    rows,
    appendChild(row: FakeElement) {
      rows.splice(rows.indexOf(row), 1);
      rows.push(row);
    },
  };
  const document = {
    getElementById(id: string) {
      if (id === 'certs') return { tBodies: [body], tHead: { rows: [{ cells: headers }] } };
      if (id === 'filter') return search;
      if (id === 'shown') return shown;
      return null;
    },
    querySelectorAll(selector: string) {
      return selector === 'input[name=finding]' ? checkboxes : [];
    },
  };
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  new Script(script).runInNewContext({ document });
  return page;
}
