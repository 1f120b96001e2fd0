import { deflateRawSync } from 'node:zlib';
import type { PageTrace } from '../src/extract/pdf/pdf.js';

/**
 * A test-only OFD writer: the text runs and ruling lines zipin read from a PDF, written back as
 * an OFD (GB/T 33190-2016) the way two kinds of producer write them —
 * - `points`: every object in the page's space with a CTM scaling points to millimetres, sizes and
 *   advances in points, rulings as thin filled rectangles;
 * - `millimetres`: each text object at its own Boundary in millimetres, advances `g`-compressed
 *   where they repeat, rulings as stroked lines in a background template page.
 * Used to test the OFD reader on forms whose records are known from their PDFs.
 */
export type OfdStyle = 'points' | 'millimetres';

const MM = 25.4 / 72;
const n = (v: number) => String(Math.round(v * 1000) / 1000);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Advances written `g N v` where the same one repeats (OFD's run compression). */
function compressed(deltas: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < deltas.length;) {
    let j = i;
    while (j + 1 < deltas.length && Math.abs(deltas[j + 1]! - deltas[i]!) < 1e-3) j++;
    const count = j - i + 1;
    out.push(count >= 3 ? `g ${count} ${n(deltas[i]!)}` : Array.from({ length: count }, () => n(deltas[i]!)).join(' '));
    i = j + 1;
  }
  return out.join(' ');
}

/** A ZIP (stored or deflated members) from name → bytes. */
export function zip(files: ReadonlyArray<[string, Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(0x800, 6); head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc, 14); head.writeUInt32LE(packed.length, 18); head.writeUInt32LE(data.length, 22); head.writeUInt16LE(nameBytes.length, 26);
    locals.push(head, nameBytes, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0); entry.writeUInt16LE(20, 4); entry.writeUInt16LE(20, 6); entry.writeUInt16LE(0x800, 8); entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16); entry.writeUInt32LE(packed.length, 20); entry.writeUInt32LE(data.length, 24); entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k;
  for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const NS = 'xmlns:ofd="http://www.ofdspec.org/2016"';

/** The text objects of one run: its characters' origins from their centres, on the run's baseline. */
function textObject(run: PageTrace['runs'][number], id: number, style: OfdStyle): string {
  const chars = [...run.text];
  const centres = run.centres && run.centres.length === chars.length ? run.centres : chars.map((_, k) => run.x0 + ((k + 0.5) * (run.x1 - run.x0)) / chars.length);
  const deltas = centres.slice(1).map((c, k) => c - centres[k]!);
  const x = run.x0;
  const baseline = run.y1;
  if (style === 'points') {
    return `<ofd:TextObject ID="${id}" Boundary="0 0 1000 1000" CTM="${n(MM)} 0 0 ${n(MM)} 0 0" Font="1" Size="${n(run.size)}">
<ofd:TextCode X="${n(x)}" Y="${n(baseline)}" DeltaX="${deltas.map(n).join(' ')}">${esc(run.text)}</ofd:TextCode></ofd:TextObject>`;
  }
  const [bx, by] = [x * MM, (baseline - run.size) * MM];
  return `<ofd:TextObject ID="${id}" Boundary="${n(bx)} ${n(by)} ${n((run.x1 - run.x0) * MM + 1)} ${n(run.size * MM * 1.2)}" Font="1" Size="${n(run.size * MM)}">
<ofd:TextCode X="0" Y="${n(run.size * MM)}" DeltaX="${compressed(deltas.map((d) => d * MM))}">${esc(run.text)}</ofd:TextCode></ofd:TextObject>`;
}

function ruling(rule: PageTrace['rules'][number], id: number, style: OfdStyle): string {
  if (style === 'points') {
    const [w, h] = rule.horizontal ? [rule.x1 - rule.x0, 0.5] : [0.5, rule.y1 - rule.y0];
    const [x, y] = rule.horizontal ? [rule.x0, rule.y0 - 0.25] : [rule.x0 - 0.25, rule.y0];
    return `<ofd:PathObject ID="${id}" Boundary="0 0 1000 1000" CTM="${n(MM)} 0 0 ${n(MM)} 0 0" Stroke="false" Fill="true">
<ofd:AbbreviatedData>M ${n(x)} ${n(y)} L ${n(x + w)} ${n(y)} L ${n(x + w)} ${n(y + h)} L ${n(x)} ${n(y + h)} C</ofd:AbbreviatedData></ofd:PathObject>`;
  }
  const [x0, y0, x1, y1] = [rule.x0 * MM, rule.y0 * MM, rule.x1 * MM, rule.y1 * MM];
  return `<ofd:PathObject ID="${id}" Boundary="${n(Math.min(x0, x1))} ${n(Math.min(y0, y1))} ${n(Math.abs(x1 - x0) + 0.2)} ${n(Math.abs(y1 - y0) + 0.2)}" LineWidth="0.18">
<ofd:AbbreviatedData>M 0 0 L ${n(x1 - x0)} ${n(y1 - y0)}</ofd:AbbreviatedData></ofd:PathObject>`;
}

/** The pages (as the PDF reader traced them) as an OFD file in `style`; `image` puts a picture over a whole page instead (a scan). */
export function writeOfd(pages: readonly PageTrace[], style: OfdStyle, image?: { bytes: Buffer; ext: string }): Buffer {
  const files: Array<[string, Buffer]> = [];
  let id = 10;
  const pageRefs: string[] = [];
  const templates: string[] = [];
  pages.forEach((page, k) => {
    const [w, h] = [page.width * MM, page.height * MM];
    const runs = page.runs.map((r) => textObject(r, id++, style)).join('\n');
    const rules = page.rules.map((r) => ruling(r, id++, style)).join('\n');
    let content: string;
    if (image) content = `<ofd:ImageObject ID="${id++}" Boundary="0 0 ${n(w)} ${n(h)}" CTM="${n(w)} 0 0 ${n(h)} 0 0" ResourceID="2"/>`;
    else if (style === 'millimetres') {
      templates.push(`<ofd:TemplatePage ID="${100 + k}" BaseLoc="Tpls/Tpl_${k}/Content.xml"/>`);
      files.push([`Doc_0/Tpls/Tpl_${k}/Content.xml`, Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ofd:Page ${NS}><ofd:Content><ofd:Layer ID="${id++}">${rules}</ofd:Layer></ofd:Content></ofd:Page>`)]);
      content = runs;
    } else content = `${rules}\n${runs}`;
    const template = style === 'millimetres' && !image ? `<ofd:Template TemplateID="${100 + k}" ZOrder="Background"/>` : '';
    files.push([`Doc_0/Pages/Page_${k}/Content.xml`, Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page ${NS}>${template}<ofd:Area><ofd:PhysicalBox>0 0 ${n(w)} ${n(h)}</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID="${id++}">${content}</ofd:Layer></ofd:Content></ofd:Page>`)]);
    // Producers write paths their own way: relative here, with a leading slash there.
    pageRefs.push(`<ofd:Page ID="${id++}" BaseLoc="${style === 'points' ? `/Doc_0/Pages/Page_${k}/Content.xml` : `Pages/Page_${k}/Content.xml`}"/>`);
  });
  const [w0, h0] = [pages[0]!.width * MM, pages[0]!.height * MM];
  files.push(['OFD.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ofd:OFD ${NS} DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocInfo><ofd:DocID>zipin-test</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`)]);
  files.push(['Doc_0/Document.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ofd:Document ${NS}><ofd:CommonData><ofd:MaxUnitID>${id}</ofd:MaxUnitID>
<ofd:PageArea><ofd:PhysicalBox>0 0 ${n(w0)} ${n(h0)}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>${image ? '<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>' : ''}
${templates.join('')}</ofd:CommonData><ofd:Pages>${pageRefs.join('')}</ofd:Pages></ofd:Document>`)]);
  files.push(['Doc_0/PublicRes.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ofd:Res ${NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="宋体"/></ofd:Fonts></ofd:Res>`)]);
  if (image) {
    files.push(['Doc_0/DocumentRes.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><ofd:Res ${NS} BaseLoc="Res"><ofd:MultiMedias><ofd:MultiMedia ID="2" Type="Image"><ofd:MediaFile>scan.${image.ext}</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>`)]);
    files.push([`Doc_0/Res/scan.${image.ext}`, image.bytes]);
  }
  return zip(files);
}
