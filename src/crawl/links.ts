import { parse } from 'parse5';

/** What a link points to, from its path (never trusting anything else the server says yet). */
export type LinkKind = 'pdf' | 'text' | 'spreadsheet' | 'word' | 'ofd' | 'image' | 'archive' | 'unsupported' | 'page';

const EXTENSIONS: Record<string, LinkKind> = {
  '.pdf': 'pdf', '.txt': 'text', '.tsv': 'text', '.xls': 'spreadsheet', '.xlsx': 'spreadsheet', '.et': 'spreadsheet',
  '.docx': 'word', '.zip': 'archive', '.doc': 'word', '.wps': 'word', '.mht': 'word', '.mhtml': 'word', '.rar': 'archive',
  '.ofd': 'ofd', '.7z': 'archive',
  // Scanned forms published as pictures (linked, not shown: <img> is no attachment).
  '.png': 'image', '.jpg': 'image', '.jpeg': 'image', '.tif': 'image', '.tiff': 'image',
};

/** What a file name or path is by its extension; null when it names none zipin knows. */
export function kindOfName(name: string): LinkKind | null {
  const m = /\.[a-z0-9]{1,5}$/i.exec(name);
  return (m && EXTENSIONS[m[0].toLowerCase()]) || null;
}

/** A link's kind by its path: an attachment's by its extension, else a page (or a download only its answer can tell). */
export function linkKind(url: URL): LinkKind {
  return kindOfName(url.pathname) ?? 'page';
}

/** A path in a script string that names a document by its extension (`"/uploadfiles/x.pdf"`). */
export const DOCUMENT_PATH = /\.(pdf|xlsx?|et|docx?|wps|ofd|rar|7z|zip|mhtml?)$/i;

interface Node {
  nodeName: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: Node[];
  content?: Node;
  value?: string;
}

function text(node: Node): string {
  if (node.nodeName === '#text') return node.value ?? '';
  return (node.childNodes ?? []).map(text).join('');
}

export interface Link {
  url: URL;
  text: string;
}

/** An HTML page as the link finders read it: parsed once, its parts that can hold links kept apart. */
export interface HtmlPage {
  url: URL;
  html: string;
  /** What relative links resolve against: the page's URL, or its `<base href>`. */
  base: URL;
  /** `<a href>` and `<area href>` links (http and https only), their fragments kept. */
  anchors: Link[];
  /** `<iframe src>` and `<frame src>`: parts of this page served apart (a listing in a frame). */
  frames: URL[];
  /** Inline scripts' texts, with their `type` (lower case, '' when absent). */
  scripts: Array<{ type: string; text: string }>;
  /** Script run by a click: `onclick` (and the like) attributes, and `href="javascript:…"`. */
  handlers: string[];
}

/** `href` resolved against `base`: an http(s) URL, or null (mailto:, javascript:, not a URL). */
export function resolveLink(href: string, base: URL): URL | null {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * An HTML page read with a real HTML parser (parse5): no regular expressions over markup. Script
 * texts and click handlers are kept for the finders that read what scripts write.
 */
export function readPage(html: string, pageUrl: URL): HtmlPage {
  const document = parse(html) as unknown as Node;
  const page: HtmlPage = { url: pageUrl, html, base: pageUrl, anchors: [], frames: [], scripts: [], handlers: [] };
  const walk = (node: Node) => {
    const attr = (name: string) => node.attrs?.find((a) => a.name === name)?.value;
    if (node.nodeName === 'base' && attr('href')) page.base = resolveLink(attr('href')!, pageUrl) ?? page.base;
    const href = attr('href');
    if ((node.nodeName === 'a' || node.nodeName === 'area') && href !== undefined) {
      if (/^\s*javascript:/i.test(href)) page.handlers.push(href);
      else {
        const url = resolveLink(href, page.base);
        if (url) page.anchors.push({ url, text: text(node).replace(/\s+/g, ' ').trim() });
      }
    }
    if ((node.nodeName === 'iframe' || node.nodeName === 'frame') && attr('src')) {
      const url = resolveLink(attr('src')!, page.base);
      if (url) page.frames.push(url);
    }
    if (node.nodeName === 'script' && attr('src') === undefined) page.scripts.push({ type: (attr('type') ?? '').toLowerCase().trim(), text: text(node) });
    for (const a of node.attrs ?? []) if (/^on(click|dblclick|mousedown|mouseup)$/.test(a.name)) page.handlers.push(a.value);
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(document);
  return page;
}
