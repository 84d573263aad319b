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
 * bytes written follow what changed, not the customer's size.
 */
const KINDS: readonly DocumentKind[] = ['orders', 'deliveries', 'invoices', 'journal', 'bills'];
const DOCUMENT_FIELD = 'd:';
const ARCHIVE_FIELD = 'a';

interface Header extends Omit<CustomerRecord, 'documents'> {
  documents: Omit<CustomerDocuments, DocumentKind | 'archive'>;
}

export function recordHeader(record: CustomerRecord): string {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { orders, deliveries, invoices, journal, bills, archive, ...rest } = record.documents;
  const header: Header = { ...record, documents: rest };
  return encodeState(header);
}

/**
 * The document fields to set and delete: the changes a fold reports, or
 * (`whole`) every document, replacing every stored field, when there are no
 * changes to go by.
 */
export function documentFields(
  record: CustomerRecord,
  changes: DocumentChanges | 'all' | undefined,
): { set: string[]; del: string[]; whole: boolean } {
  const docs = record.documents;
  const set: string[] = [];
  const del: string[] = [];
  if (changes === undefined || changes === 'all') {
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
  const record = decodeState<Header>(text);
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
  return { ...record, documents };
}
