import { DocumentError } from '../errors.js';
import type { ZipMember } from '../archive/zip.js';
import { parseXml, type Element } from './xml.js';

/**
 * An OFD file's parts (GB/T 33190-2016: a ZIP of XML and resources), found by the paths its XML
 * gives them as real producers write them: relative to the part that names them or to the
 * package's root, with or without `./` or a leading `/`, `\` for `/`, `%20` and the like
 * escaped, in any case.
 */
export class OfdPackage {
  private readonly byPath = new Map<string, ZipMember>();

  constructor(members: readonly ZipMember[]) {
    for (const m of members) this.byPath.set(OfdPackage.key(m.name), m);
  }

  private static key(path: string): string {
    const parts: string[] = [];
    let p = path.replace(/\\/g, '/');
    try {
      p = decodeURIComponent(p);
    } catch {
      // not escaped after all
    }
    for (const part of p.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') parts.pop();
      else parts.push(part);
    }
    return parts.join('/').toLowerCase();
  }

  /** The member `path` names, seen from the part at `from` (a file's path; '' for the root). */
  find(path: string, from = ''): ZipMember | undefined {
    const clean = path.trim().replace(/\\/g, '/');
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
    if (clean.startsWith('/')) return this.byPath.get(OfdPackage.key(clean));
    return this.byPath.get(OfdPackage.key(dir + clean)) ?? this.byPath.get(OfdPackage.key(clean))
      // Some producers write a path relative to the document's folder from a part one folder deeper.
      ?? this.byPath.get(OfdPackage.key(dir.replace(/[^/]+\/$/, '') + clean));
  }

  /** The member's path in the package (for resolving what it names in turn). */
  static pathOf(member: ZipMember): string {
    return member.name.replace(/\\/g, '/').replace(/^\/+/, '');
  }

  /** A part as XML, or a one-line error naming it. */
  xml(path: string, from = '', what = path): { root: Element; path: string } {
    const member = this.find(path, from);
    if (!member) throw new DocumentError(`OFD: ${what} (${path}) is missing from the package`);
    return { root: parseXml(member.read().toString('utf8'), what), path: OfdPackage.pathOf(member) };
  }
}
