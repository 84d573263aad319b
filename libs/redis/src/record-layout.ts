import {
  Archive,
  CustomerDocuments,
  CustomerRecord,
  decodeState,
  DocumentChanges,
  DocumentKind,
  encodeState,
  KIND_OF_LETTER,
  LETTER_OF_KIND,
} from '@credit/domain';
import {
  decodeArchive,
  decodeDocument,
  DocumentState,
  encodeArchive,
  encodeDocument,
} from './document-codec';

/**
 * How a customer record lies in its Redis hash: `v` the version, `s` the
 * record without its document maps and archive (the header: assessment,
 * published view, limit, watermarks...), `a` the archive (spec 4.1: its
 * dated sums and tombstones), and the live documents in pages `p:<n>` of up
 * to PAGE_DOCUMENTS documents each. A batch writes the header, the pages
 * holding the documents it changed or archived, and the archive when
 * archiving changed it, so the bytes written follow what changed, not the
 * customer's size.
 *
 * Why pages: a field of its own per document cost Redis about 70 bytes of
 * bookkeeping each, as much as the document itself, and a customer five
 * years old keeps a few hundred documents live (open items are live for
 * their payment terms plus the quiet period). A new document joins the
 * newest page while it has room, so the documents of one sales cycle, which
 * arrive together, mostly share a page and leave it together when their
 * group is archived; a page left empty is deleted. Which page holds which
 * document is read from the pages themselves (`PageLayout`), so nothing
 * else is stored for it.
 */
export const PAGE_DOCUMENTS = 8;
const KINDS: readonly DocumentKind[] = ['orders', 'deliveries', 'invoices', 'journal', 'bills'];
const PAGE_FIELD = 'p:';
/** One field per document, as states were stored before pages: still read, replaced at the next write. */
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
 * Which page holds each live document (`o:<id>`, `d:<id>`... as in
 * DocumentChanges) of one stored version of a record. Only the writer that
 * read or wrote that version may use it: the store keeps it with the
 * version, and writes the whole record when it has none.
 */
export class PageLayout {
  private readonly pageOf = new Map<string, number>();
  private readonly pages = new Map<number, string[]>();
  private next = 0;

  /** @param earlier the record was stored one field per document: its next write replaces every field */
  constructor(readonly earlier = false) {}

  /** Records that `ref` lies in `page` (as read). */
  lay(ref: string, page: number): void {
    this.pageOf.set(ref, page);
    const members = this.pages.get(page);
    if (members) members.push(ref);
    else this.pages.set(page, [ref]);
    if (page >= this.next) this.next = page + 1;
  }

  /** The page of `ref`, placing a new document in the newest page with room. */
  pageFor(ref: string): number {
    const page = this.pageOf.get(ref);
    if (page !== undefined) return page;
    const newest = this.next - 1;
    const room = (this.pages.get(newest)?.length ?? PAGE_DOCUMENTS) < PAGE_DOCUMENTS;
    const chosen = room ? newest : this.next;
    this.lay(ref, chosen);
    return chosen;
  }

  /** Takes `ref` out of its page; returns the page (undefined: it was in none). */
  remove(ref: string): number | undefined {
    const page = this.pageOf.get(ref);
    if (page === undefined) return undefined;
    this.pageOf.delete(ref);
    const members = this.pages.get(page)!;
    members.splice(members.indexOf(ref), 1);
    return page;
  }

  members(page: number): readonly string[] {
    return this.pages.get(page) ?? [];
  }

  /** Forgets a page left empty. */
  drop(page: number): void {
    this.pages.delete(page);
  }
}

/** What a write sets and deletes of the customer's hash, and the layout it leaves. */
export interface DocumentFields {
  set: string[];
  del: string[];
  /** The fields replace every stored one (the hash is cleared first). */
  whole: boolean;
  layout: PageLayout;
}

const documentOf = (docs: CustomerDocuments, ref: string): DocumentState | undefined =>
  docs[KIND_OF_LETTER[ref[0]]].get(ref.slice(2));

function pageText(docs: CustomerDocuments, refs: readonly string[]): string {
  let text = '';
  for (const ref of refs) {
    const kind = KIND_OF_LETTER[ref[0]];
    const state = docs[kind].get(ref.slice(2))!;
    text += `${text === '' ? '' : ','}${JSON.stringify(ref)},${encodeDocument(kind, state as never)}`;
  }
  return `[${text}]`;
}

/**
 * The fields to set and delete: the pages holding the documents a fold
 * changed or archived, or (`whole`) every page, replacing every stored
 * field, when there are no changes to go by or no layout of the stored
 * version (`layout`, changed in place: the caller forgets it if the write
 * fails).
 */
export function documentFields(
  record: CustomerRecord,
  changes: DocumentChanges | 'all' | undefined,
  layout: PageLayout | undefined,
): DocumentFields {
  const docs = record.documents;
  const set: string[] = [];
  const del: string[] = [];
  if (changes === undefined || changes === 'all' || layout === undefined || layout.earlier) {
    const fresh = new PageLayout();
    for (const kind of KINDS)
      for (const id of docs[kind].keys()) fresh.pageFor(`${LETTER_OF_KIND[kind]}:${id}`);
    for (let page = 0; fresh.members(page).length > 0; page++)
      set.push(PAGE_FIELD + page.toString(36), pageText(docs, fresh.members(page)));
    if (docs.archive !== undefined) set.push(ARCHIVE_FIELD, encodeArchive(docs.archive));
    return { set, del, whole: true, layout: fresh };
  }
  if (changes.archive && docs.archive !== undefined) set.push(ARCHIVE_FIELD, encodeArchive(docs.archive));
  const touched = new Set<number>();
  for (const ref of changes.removed) {
    const page = layout.remove(ref);
    if (page !== undefined) touched.add(page);
  }
  for (const ref of changes.changed) {
    if (documentOf(docs, ref) !== undefined) touched.add(layout.pageFor(ref));
  }
  for (const page of touched) {
    const members = layout.members(page);
    if (members.length === 0) {
      layout.drop(page);
      del.push(PAGE_FIELD + page.toString(36));
    } else set.push(PAGE_FIELD + page.toString(36), pageText(docs, members));
  }
  return { set, del, whole: false, layout };
}

/** The changes of a write that keeps the documents it read (a review). */
export const NO_DOCUMENT_CHANGES: DocumentChanges = {
  changed: new Set(),
  removed: new Set(),
  archive: false,
};

/** A record as stored, with where its documents lie. */
export interface StoredRecord {
  record: CustomerRecord;
  layout: PageLayout;
}

/** The record from its hash fields (HGETALL, flat); null without a header. */
export function recordFromFields(flat: readonly string[]): StoredRecord | null {
  let text: string | undefined;
  let archive: Archive | undefined;
  let earlier = false;
  const maps = new Map<DocumentKind, Map<string, unknown>>(KINDS.map((kind) => [kind, new Map()]));
  const pages: [number, unknown[]][] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const field = flat[i];
    const value = flat[i + 1];
    if (field === 's') text = value;
    else if (field === ARCHIVE_FIELD)
      archive = value.startsWith('{') ? decodeState<Archive>(value) : decodeArchive(JSON.parse(value));
    else if (field.startsWith(PAGE_FIELD)) pages.push([parseInt(field.slice(2), 36), JSON.parse(value)]);
    else if (field.startsWith(DOCUMENT_FIELD)) {
      earlier = true;
      maps.get(KIND_OF_LETTER[field[2]])!.set(field.slice(4), decodeState(value));
    }
  }
  if (text === undefined) return null;
  const layout = new PageLayout(earlier);
  for (const [page, entries] of pages) {
    for (let j = 0; j < entries.length; j += 2) {
      const ref = entries[j] as string;
      const kind = KIND_OF_LETTER[ref[0]];
      maps.get(kind)!.set(ref.slice(2), decodeDocument(kind, entries[j + 1] as unknown[]));
      layout.lay(ref, page);
    }
  }
  const record = decodeState<Header>(text);
  const documents = {
    ...record.documents,
    ...Object.fromEntries(maps),
    ...(archive === undefined ? {} : { archive }),
  } as CustomerDocuments;
  return { record: { ...record, documents }, layout };
}
