import type { HtmlPage } from '../links.js';
import type { Found, PageRequest, Pager, SiteFamily } from './family.js';
import { gkmlpt } from './gkmlpt.js';
import { hanweb } from './hanweb.js';
import { scriptedLinks, viewerTarget } from './generic.js';
import { trsWcm } from './trs-wcm.js';

export type { Found, PageRequest, Pager, SiteFamily } from './family.js';

/** The CMS families zipin knows, each in its own module: the one place to add another. */
export const FAMILIES: readonly SiteFamily[] = [trsWcm, hanweb, gkmlpt];

/** What every finder makes of an HTML page: links (anchors, scripts' and the families'), frames, and the pagers of the families that built it. */
export interface PageFound {
  links: URL[];
  frames: URL[];
  pagers: Pager[];
}

export function findOnPage(page: HtmlPage): PageFound {
  const found: PageFound = { links: [...page.anchors.map((a) => a.url), ...scriptedLinks(page)], frames: page.frames, pagers: [] };
  for (const family of FAMILIES) {
    if (!family.recognises(page)) continue;
    const { links, pager } = family.read(page);
    found.links.push(...links);
    if (pager && pager.claimed > 0) found.pagers.push(pager);
  }
  return found;
}

/** What an answer to a family's own request holds. */
export function findInAnswer(request: PageRequest, body: string): Found {
  const family = FAMILIES.find((f) => f.name === request.family);
  return family?.answer?.(body, request) ?? { links: [], last: true };
}

/**
 * The address a link stands for: a pdf.js viewer's file, without the fragment (unless a family's
 * hash-routed listing needs it).
 */
export function canonical(url: URL): URL {
  const target = viewerTarget(url);
  if (!target.href.includes('#') || (target.hash !== '' && FAMILIES.some((f) => f.keepsFragment?.(target)))) return target;
  const plain = new URL(target);
  plain.hash = '';
  return plain;
}
