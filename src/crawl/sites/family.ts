import type { HtmlPage } from '../links.js';

/**
 * How disclosure sites are built, one module per CMS family (TRS WCM, Hanweb JCMS, a provincial
 * platform), like Camelot's parsers behind one interface: each recognises its pages and says
 * which further pages its pager or data source would show, and which links its scripts write.
 * Adding a family is adding a file beside this one, with its examples, and naming it in
 * index.ts.
 */

/** A further page of a listing: a page a pager writes, or a family's data call (a POSTed form, a JSON API). */
export interface PageRequest {
  url: URL;
  /** POSTed as `application/x-www-form-urlencoded`; a GET when absent. */
  form?: URLSearchParams;
  /** The family whose `answer` reads what comes back; an HTML page (read by every finder) when absent. */
  family?: string;
}

/**
 * A listing's further pages, in order (page 2 first). `claimed` is how many the site says there
 * are; `request(i)` makes the i-th only when it is walked, so a pager claiming a million pages
 * costs nothing until the walk's cap stops it.
 */
export interface Pager {
  claimed: number;
  request(i: number): PageRequest;
}

/** What a finder found on a page, or in an answer to its own request. */
export interface Found {
  /** Links a person could follow: articles, attachments, other listings. */
  links: URL[];
  /** The listing's further pages. */
  pager?: Pager;
  /** From an answer: the listing ends here (no records, or the last of them), whatever was claimed. */
  last?: boolean;
  /** From an answer: how many pages the listing has, as the answer says (updates `claimed`). */
  claimed?: number;
}

/** A page a family's tests read, and what must be found in it. */
export interface Example {
  name: string;
  url: string;
  html: string;
  /** Links that must be found (resolved hrefs), and the first further pages' URLs (and forms), in order. */
  links: string[];
  pages?: Array<{ url: string; form?: Record<string, string> }>;
  claimed?: number;
  /** An answer to the first further page, and the links and page count it must give. */
  answer?: { body: string; links: string[]; claimed?: number; last?: boolean };
}

export interface SiteFamily {
  name: string;
  /** Whether the page is built by this family: a marker in its HTML, its scripts or its URL. */
  recognises(page: HtmlPage): boolean;
  /** The page's links only this family knows how to find, and its pager. */
  read(page: HtmlPage): Found;
  /** What an answer to one of its own requests holds (XML, JSON or script). */
  answer?(body: string, request: PageRequest): Found;
  /** Whether a URL's fragment names what the page shows (a hash-routed listing), so it must be kept. */
  keepsFragment?(url: URL): boolean;
  examples: Example[];
}

/** A JavaScript object literal's scalar members (`{a: 1, b: 'x', "c": "y"}`), by lower-cased key; nested objects left out. */
export function literalMembers(source: string): Map<string, string> {
  const members = new Map<string, string>();
  for (const m of source.matchAll(/["']?([A-Za-z_$][\w$]*)["']?\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?[\w.]+))/g)) {
    members.set(m[1]!.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? '');
  }
  return members;
}

/** The object literal that follows `key:` (or `key =`) in a script, braces balanced; null when none. */
export function objectAfter(script: string, key: RegExp): string | null {
  const at = key.exec(script);
  if (!at) return null;
  const open = script.indexOf('{', at.index + at[0].length);
  if (open < 0) return null;
  let depth = 0;
  for (let i = open; i < script.length && i < open + 20_000; i++) {
    if (script[i] === '{') depth++;
    else if (script[i] === '}' && --depth === 0) return script.slice(open, i + 1);
  }
  return null;
}

/** A script without its comments (what runs): `//` to the end of the line, and `/* … *\/`, outside strings. */
export function withoutComments(script: string): string {
  return script.replace(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (_m, literal: string | undefined) => literal ?? ' ');
}
