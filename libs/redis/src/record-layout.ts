import {
  CustomerDocuments,
  CustomerRecord,
  decodeState,
  DocumentChanges,
  DocumentKind,
  encodeState,
  KIND_OF_LETTER,
  LETTER_OF_KIND,
} from '@credit/domain';

/**
 * How a customer record lies in its Redis hash: `v` the version, `s` the
 * record without its document maps and archive (the header: assessment,
 * published view, limit, watermarks...), `a` the archive (spec 4.1: its
 * dated sums and tombstones), and one field `d:<kind letter>:<id>` per live
 * document. A batch writes the header, the documents it changed, the archive
 * when archiving changed it, and deletes the documents it archived, so the
 * bytes written follow what changed, not the customer's size. A record of an
 * earlier layout (everything in `s`, or the archive in it) still loads, and is
 * written whole the first time it is written again.
 */
const KINDS: readonly DocumentKind[] = ['orders', 'deliveries', 'invoices', 'journal', 'bills'];
const DOCUMENT_FIELD = 'd:';
const ARCHIVE_FIELD = 'a';

/** Documents read from a record of the earlier layout: they must be written whole. */
const readWhole = new WeakSet<CustomerDocuments>();

/** True for documents read from a record of the earlier layout: the next write must carry every document. */
export const storedWhole = (documents: CustomerDocuments): boolean => readWhole.has(documents);

interface Header extends Omit<CustomerRecord, 'documents'> {
  /** The archive too, in headers written before it had a field of its own. */
  documents: Omit<CustomerDocuments, DocumentKind>;
  /** Marks the layout with documents in fields of their own. */
  documentsInFields?: true;
}

export function recordHeader(record: CustomerRecord): string {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { orders, deliveries, invoices, journal, bills, archive, ...rest } = record.documents;
  const header: Header = { ...record, documents: rest, documentsInFields: true };
  return encodeState(header);
}

/**
 * The document fields to set and delete: the changes a fold reports, or
 * (`whole`) every document, replacing every stored field, when there are no
 * changes to go by or the documents were read from the earlier layout.
 */
export function documentFields(
  record: CustomerRecord,
  changes: DocumentChanges | 'all' | undefined,
): { set: string[]; del: string[]; whole: boolean } {
  const docs = record.documents;
  const set: string[] = [];
  const del: string[] = [];
  if (changes === undefined || changes === 'all' || readWhole.has(docs)) {
    for (const kind of KINDS)
      for (const [id, state] of docs[kind])
        set.push(`${DOCUMENT_FIELD}${LETTER_OF_KIND[kind]}:${id}`, encodeState(state));
    if (docs.archive !== undefined) set.push(ARCHIVE_FIELD, encodeState(docs.archive));
    return { set, del, whole: true };
  }
  if (changes.archive && docs.archive !== undefined) set.push(ARCHIVE_FIELD, encodeState(docs.archive));
  for (const ref of changes.changed) {
    const state = docs[KIND_OF_LETTER[ref[0]]].get(ref.slice(2));
    if (state !== undefined) set.push(DOCUMENT_FIELD + ref, encodeState(state));
  }
  for (const ref of changes.removed) del.push(DOCUMENT_FIELD + ref);
  return { set, del, whole: false };
}

/** The changes of a write that keeps the documents it read (a review). */
export const NO_DOCUMENT_CHANGES: DocumentChanges = {
  changed: new Set(),
  removed: new Set(),
  archive: false,
};

/** The record from its hash fields (HGETALL, flat); null without a header. */
export function recordFromFields(flat: readonly string[]): CustomerRecord | null {
  let text: string | undefined;
  let archiveText: string | undefined;
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i] === 's') text = flat[i + 1];
    else if (flat[i] === ARCHIVE_FIELD) archiveText = flat[i + 1];
  }
  if (text === undefined) return null;
  const header = decodeState<Header | CustomerRecord>(text);
  if (!('documentsInFields' in header)) {
    const whole = header as CustomerRecord;
    readWhole.add(whole.documents);
    return whole;
  }
  const { documentsInFields: _, ...record } = header;
  const maps = new Map<DocumentKind, Map<string, unknown>>(KINDS.map((kind) => [kind, new Map()]));
  for (let i = 0; i < flat.length; i += 2) {
    const field = flat[i];
    if (!field.startsWith(DOCUMENT_FIELD)) continue;
    maps.get(KIND_OF_LETTER[field[2]])!.set(field.slice(4), decodeState(flat[i + 1]));
  }
  const documents = {
    ...record.documents,
    ...Object.fromEntries(maps),
    ...(archiveText === undefined ? {} : { archive: decodeState(archiveText) }),
  } as CustomerDocuments;
  // The archive still in the header: the next write moves it to its field.
  if (archiveText === undefined && record.documents.archive !== undefined) readWhole.add(documents);
  return { ...record, documents };
}
