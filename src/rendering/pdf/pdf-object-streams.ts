import { deflateSync } from 'node:zlib';

/** The facts an incremental update needs about the file it extends. */
export interface PdfTrailer {
  /** Offset of the cross-reference stream the update points back to. */
  previousXref: number;
  /** Object numbers in use are below this; the update's own cross-reference stream takes it. */
  size: number;
  fileId: string;
  rootObject: number;
  infoObject: number;
}

/** Objects per object stream: a reader inflates a whole stream to reach one of them. */
const PER_STREAM = 500;
/** Cross-reference stream fields: type (1 byte), offset or object stream (4), generation or index (2). */
const W = [1, 4, 2] as const;

/** Only the tagged PDF's structure elements and tree root are packed: dictionaries, never streams. */
const packable = (body: string) =>
  (body.startsWith('<<\n/S /') || body.startsWith('<<\n/Type /StructTreeRoot')) && !body.includes('stream');

function xrefEntry(type: number, a: number, b: number): Buffer {
  const entry = Buffer.alloc(W[0] + W[1] + W[2]);
  entry.writeUInt8(type, 0);
  entry.writeUInt32BE(a, W[0]);
  entry.writeUInt16BE(b, W[0] + W[1]);
  return entry;
}

/** An object holding a stream: dictionary entries (without /Length) and the stream's bytes. */
export function streamObject(id: number, entries: string, data: Buffer): Buffer {
  const head = Buffer.from(`${id} 0 obj\n<< ${entries} /Length ${data.length} >>\nstream\n`, 'latin1');
  return Buffer.concat([head, data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
}

/**
 * A cross-reference stream (PDF 1.5, 7.5.8) for the given entries, which must be in object order.
 * A copy's update holds three entries: compressing them would cost more than it saves.
 */
export function xrefStream(id: number, entries: [number, Buffer][], trailer: string, compress = true): Buffer {
  const index: number[] = [];
  for (const [objectId] of entries) {
    const last = index.length - 2;
    if (last >= 0 && index[last] + index[last + 1] === objectId) index[last + 1]++;
    else index.push(objectId, 1);
  }
  const data = Buffer.concat(entries.map(([, entry]) => entry));
  const dictionary = `/Type /XRef /Index [${index.join(' ')}] /W [${W.join(' ')}] ${trailer}`;
  return compress ? streamObject(id, `${dictionary} /Filter /FlateDecode`, deflateSync(data)) : streamObject(id, dictionary, data);
}

export const xrefOffsetEntry = (offset: number) => xrefEntry(1, offset, 0);

/**
 * pdfkit writes each of a tagged PDF's structure elements as its own object: a table cell costs
 * some 80 bytes, and a list of 2,000 members grew from 0.2 to 1.4 MB. This rewrites pdfkit's
 * output with those objects in compressed object streams (PDF 1.5, 7.5.7) and one
 * cross-reference stream in place of the table; every other object is copied byte for byte.
 */
export function packStructure(pdf: Buffer): { bytes: Buffer; trailer: PdfTrailer } {
  const text = pdf.toString('latin1');
  const tail = text.slice(-4096);
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  const root = /\/Root (\d+) 0 R/.exec(tail);
  const info = /\/Info (\d+) 0 R/.exec(tail);
  const id = /\/ID \[(<[0-9a-fA-F]+> <[0-9a-fA-F]+>)\]/.exec(tail);
  if (!startxref || !root || !info || !id) throw new Error('unexpected PDF trailer');
  const xrefAt = Number(startxref[1]);
  const table = /^xref\n0 (\d+)\n/.exec(text.slice(xrefAt, xrefAt + 32));
  if (!table) throw new Error('unexpected PDF cross-reference table');
  const count = Number(table[1]);
  const entriesAt = xrefAt + table[0].length;
  const offsets: { id: number; offset: number }[] = [];
  for (let objectId = 1; objectId < count; objectId++) {
    const entry = text.slice(entriesAt + objectId * 20, entriesAt + objectId * 20 + 20);
    if (entry.slice(17, 18) === 'n') offsets.push({ id: objectId, offset: Number(entry.slice(0, 10)) });
  }
  offsets.sort((a, b) => a.offset - b.offset);

  const out: Buffer[] = [pdf.subarray(0, offsets[0].offset)];
  let position = offsets[0].offset;
  const xref = new Map<number, Buffer>([[0, xrefEntry(0, 0, 0xffff)]]);
  const packed: { id: number; body: string }[] = [];
  offsets.forEach(({ id: objectId, offset }, i) => {
    const end = i + 1 < offsets.length ? offsets[i + 1].offset : xrefAt;
    const header = `${objectId} 0 obj\n`;
    const body = text.slice(offset + header.length, end).replace(/\nendobj\n$/, '');
    if (packable(body)) return packed.push({ id: objectId, body });
    xref.set(objectId, xrefOffsetEntry(position));
    out.push(pdf.subarray(offset, end));
    position += end - offset;
  });

  let next = count;
  for (let start = 0; start < packed.length; start += PER_STREAM) {
    const group = packed.slice(start, start + PER_STREAM);
    const streamId = next++;
    let head = '';
    let bodies = '';
    group.forEach((object, index) => {
      head += `${object.id} ${bodies.length} `;
      bodies += `${object.body}\n`;
      xref.set(object.id, xrefEntry(2, streamId, index));
    });
    const entries = `/Type /ObjStm /N ${group.length} /First ${head.length} /Filter /FlateDecode`;
    const stream = streamObject(streamId, entries, deflateSync(Buffer.from(head + bodies, 'latin1')));
    xref.set(streamId, xrefOffsetEntry(position));
    out.push(stream);
    position += stream.length;
  }
  const xrefId = next++;
  xref.set(xrefId, xrefOffsetEntry(position));
  const trailer: PdfTrailer = {
    previousXref: position,
    size: next,
    fileId: id[1],
    rootObject: Number(root[1]),
    infoObject: Number(info[1]),
  };
  const entries = [...xref].sort((a, b) => a[0] - b[0]);
  const trailerEntries = `/Size ${next} /Root ${trailer.rootObject} 0 R /Info ${trailer.infoObject} 0 R /ID [${trailer.fileId}]`;
  out.push(xrefStream(xrefId, entries, trailerEntries));
  out.push(Buffer.from(`startxref\n${position}\n%%EOF\n`, 'latin1'));
  return { bytes: Buffer.concat(out), trailer };
}
