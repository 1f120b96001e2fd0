import type { ExtractedDocument } from '../../model/table.js';
import { DocumentError } from '../errors.js';
import { readScannedPage } from '../image/ocr/page.js';
import { formReadings } from '../image/ocr/readings.js';
import { layoutPage } from '../pdf/layout.js';
import { assemblePages, type LaidPage, type PageTrace } from '../pdf/pdf.js';
import type { RowSense } from '../sense.js';
import { imageKind } from '../sniff.js';
import { readZip } from '../archive/zip.js';
import { PT_PER_MM, readPageGraphics, type PaintedMedia } from './content.js';
import { OfdPackage } from './package.js';
import { child, children, numbers, type Element } from './xml.js';

/**
 * An OFD document (GB/T 33190-2016, the national fixed-layout format) → the table model, through
 * the same page geometry the PDF reader gives — text runs and ruling lines in points — so the
 * lattice, the layout and the stitching of tables over page breaks are shared. The chain:
 * OFD.xml → DocBody/DocRoot → Document.xml (CommonData: page area, resources, templates) → each
 * page's Content.xml, its templates behind and before it. A page that is a picture of itself (a
 * scan in an OFD) is read by OCR, as a scanned PDF page is.
 */

/** Pages an OFD may have: more is no form. */
const MAX_PAGES = 1000;
/** A4, when neither the page nor the document says. */
const DEFAULT_AREA = [0, 0, 210, 297];
/** As in PDFs: a picture covering this share of a page with fewer characters than this is the page, scanned. */
const SCAN_COVERAGE = 0.5;
const SCAN_MAX_TEXT = 40;

interface Resources {
  media: Map<string, string>;
  composites: Map<string, Element>;
}

/** The document's public and document resources: media files by ID (their paths in the package), composite units by ID. */
function readResources(pkg: OfdPackage, common: Element | undefined, docPath: string): Resources {
  const resources: Resources = { media: new Map(), composites: new Map() };
  for (const ref of [...children(common, 'PublicRes'), ...children(common, 'DocumentRes')]) {
    const found = pkg.find(ref.text, docPath);
    if (!found) continue;
    const { root, path } = pkg.xml(ref.text, docPath, 'a resource file');
    const base = (root.attrs.BaseLoc ?? '').replace(/\\/g, '/').replace(/\/?$/, '/');
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
    for (const media of children(child(root, 'MultiMedias'), 'MultiMedia')) {
      const file = child(media, 'MediaFile')?.text.trim();
      if (media.attrs.ID && file) resources.media.set(media.attrs.ID, file.startsWith('/') ? file : `${dir}${base === '/' ? '' : base}${file}`);
    }
    for (const unit of children(child(root, 'CompositeGraphicUnits'), 'CompositeGraphicUnit')) if (unit.attrs.ID) resources.composites.set(unit.attrs.ID, unit);
  }
  return resources;
}

/** The page's OCR source: the picture covering most of it, when it has (almost) no text. */
function pageScan(images: readonly PaintedMedia[], width: number, height: number): PaintedMedia | null {
  const area = (i: PaintedMedia) => Math.max(0, Math.min(i.box.x1, width) - Math.max(i.box.x0, 0)) * Math.max(0, Math.min(i.box.y1, height) - Math.max(i.box.y0, 0));
  const largest = images.reduce<PaintedMedia | null>((best, i) => (best === null || area(i) > area(best) ? i : best), null);
  return largest !== null && area(largest) >= SCAN_COVERAGE * width * height ? largest : null;
}

export async function extractOfd(bytes: Buffer, sense: RowSense, trace?: PageTrace[]): Promise<ExtractedDocument> {
  const pkg = new OfdPackage(readZip(bytes));
  const ofd = pkg.xml('OFD.xml', '', 'OFD.xml');
  const docRoot = child(child(ofd.root, 'DocBody'), 'DocRoot')?.text.trim();
  if (!docRoot) throw new DocumentError('OFD: OFD.xml names no document (DocBody/DocRoot)');
  const doc = pkg.xml(docRoot, ofd.path, 'Document.xml');
  const common = child(doc.root, 'CommonData');
  const documentArea = numbers(child(child(common, 'PageArea'), 'PhysicalBox')?.text);
  const resources = readResources(pkg, common, doc.path);
  const templates = new Map(children(common, 'TemplatePage').map((t) => [t.attrs.ID ?? '', t.attrs.BaseLoc ?? '']));
  const contentOf = (root: Element) => child(root, 'Content')?.children ?? [];
  const pageRefs = children(child(doc.root, 'Pages'), 'Page');
  if (pageRefs.length === 0) throw new DocumentError('OFD: the document has no pages');
  if (pageRefs.length > MAX_PAGES) throw new DocumentError(`OFD: ${pageRefs.length} pages (limit ${MAX_PAGES})`);
  const pages: LaidPage[] = [];
  for (const [k, ref] of pageRefs.entries()) {
    const page = pkg.xml(ref.attrs.BaseLoc ?? '', doc.path, `page ${k + 1}`);
    const area = numbers(child(child(page.root, 'Area'), 'PhysicalBox')?.text);
    const [, , w, h] = area.length === 4 ? area : documentArea.length === 4 ? documentArea : DEFAULT_AREA;
    const [width, height] = [w! * PT_PER_MM, h! * PT_PER_MM];
    const used = children(page.root, 'Template');
    const template = (order: 'Background' | 'Foreground') => used
      .filter((t) => (t.attrs.ZOrder ?? 'Background') === order)
      .map((t) => templates.get(t.attrs.TemplateID ?? ''))
      .filter((loc): loc is string => loc !== undefined && loc !== '')
      .map((loc) => contentOf(pkg.xml(loc, doc.path, 'a template page').root));
    const graphics = readPageGraphics([...template('Background'), contentOf(page.root), ...template('Foreground')], resources);
    let { runs, rules } = graphics;
    let ocr = false;
    let turned: LaidPage['turned'] = 0;
    let [pageWidth, pageHeight] = [width, height];
    const chars = runs.reduce((n, r) => n + r.text.replace(/\s+/g, '').length, 0);
    const scan = chars < SCAN_MAX_TEXT ? pageScan(graphics.images, width, height) : null;
    const media = scan === null ? undefined : resources.media.get(scan.id);
    const imageBytes = media === undefined ? undefined : pkg.find(media)?.read();
    const kind = imageBytes === undefined ? null : imageKind(imageBytes);
    if (scan !== null && imageBytes !== undefined && kind !== null) {
      const [gray] = await (await import('../image/image.js')).decodeImage(imageBytes, kind);
      if (gray) {
        const read = await readScannedPage(gray, scan.box);
        ({ rules, runs, turned } = read);
        if (turned % 180 !== 0) [pageWidth, pageHeight] = [height, width];
        ocr = true;
      }
    }
    const laid = layoutPage(rules, runs, [], pageWidth, pageHeight, sense);
    pages.push({ page: k + 1, rows: ocr ? formReadings(laid, sense) : laid, text: runs.length > 0, images: graphics.images.length > 0, ocr, turned });
    trace?.push({ page: k + 1, width: pageWidth, height: pageHeight, rules, runs });
  }
  return assemblePages({ pageCount: pageRefs.length, pages }, sense, 'ofd');
}
