import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { DocumentError } from '../errors.js';

/** An XML element with its namespace prefix dropped (OFD producers write `ofd:`, another prefix, or none). */
export interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

/** Elements one OFD part may hold: a page with more is hostile, not a form. */
const MAX_ELEMENTS = 400_000;

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * One OFD part parsed into a tree by saxes (a streaming parser that reads no DTD and resolves no
 * external entity), bounded in elements; `what` names the part in errors.
 */
export function parseXml(xml: string, what: string): Element {
  const root: Element = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: Element[] = [root];
  let count = 0;
  const parser = new SaxesParser();
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (++count > MAX_ELEMENTS) throw new DocumentError(`OFD ${what}: more than ${MAX_ELEMENTS} elements`);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[local(k)] = String(v);
    const element: Element = { name: local(tag.name), attrs, children: [], text: '' };
    stack[stack.length - 1]!.children.push(element);
    stack.push(element);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t: string) => { stack[stack.length - 1]!.text += t; });
  parser.on('cdata', (t: string) => { stack[stack.length - 1]!.text += t; });
  try {
    parser.write(xml.replace(/^\uFEFF/, '')).close();
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    throw new DocumentError(`OFD ${what} is not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
  }
  const top = root.children[0];
  if (!top) throw new DocumentError(`OFD ${what} is empty`);
  return top;
}

/** The first child named `name`, if any. */
export const child = (e: Element | undefined, name: string): Element | undefined => e?.children.find((c) => c.name === name);
/** Every child named `name`. */
export const children = (e: Element | undefined, name: string): Element[] => e?.children.filter((c) => c.name === name) ?? [];
/** The numbers of an attribute or text (`"0 0 210 297"`). */
export const numbers = (s: string | undefined): number[] => (s ?? '').trim().split(/[\s,]+/).filter((t) => t !== '').map(Number).filter(Number.isFinite);
