import { parse } from 'parse5';

/** What a link points to, from its path (never trusting anything else the server says yet). */
export type LinkKind = 'pdf' | 'text' | 'spreadsheet' | 'word' | 'image' | 'archive' | 'unsupported' | 'page';

const EXTENSIONS: Record<string, LinkKind> = {
  '.pdf': 'pdf', '.txt': 'text', '.tsv': 'text', '.xls': 'spreadsheet', '.xlsx': 'spreadsheet', '.et': 'spreadsheet',
  '.docx': 'word', '.zip': 'archive', '.doc': 'word', '.wps': 'word', '.mht': 'word', '.mhtml': 'word', '.rar': 'unsupported',
  '.ofd': 'unsupported', '.7z': 'unsupported',
  // Scanned forms published as pictures (linked, not shown: <img> is no attachment).
  '.png': 'image', '.jpg': 'image', '.jpeg': 'image', '.tif': 'image', '.tiff': 'image',
};

export function linkKind(url: URL): LinkKind {
  const m = /\.[a-z0-9]{1,5}$/i.exec(url.pathname);
  return (m && EXTENSIONS[m[0].toLowerCase()]) || 'page';
}

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

/**
 * Every http(s) link of an HTML page, resolved against the page (or its <base href>), with its
 * anchor text. Parsed with a real HTML parser (parse5): no regular expressions over markup.
 */
export function extractLinks(html: string, pageUrl: URL): Link[] {
  const document = parse(html) as unknown as Node;
  let base = pageUrl;
  const links: Link[] = [];
  const walk = (node: Node) => {
    const attr = (name: string) => node.attrs?.find((a) => a.name === name)?.value;
    if (node.nodeName === 'base' && attr('href')) {
      try {
        base = new URL(attr('href')!, pageUrl);
      } catch {
        // an unusable <base> changes nothing
      }
    }
    if (node.nodeName === 'a' && attr('href')) {
      try {
        const url = new URL(attr('href')!.trim(), base);
        url.hash = '';
        if (url.protocol === 'http:' || url.protocol === 'https:') links.push({ url, text: text(node).replace(/\s+/g, ' ').trim() });
      } catch {
        // not a URL
      }
    }
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(document);
  return links;
}
