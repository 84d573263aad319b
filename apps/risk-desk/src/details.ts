import { formatAmount, formatDate, Locale } from './format';
import { LabelKey, Translate } from './i18n';

/**
 * The `details` of a document of the drill-down (GET …/exposure/documents), as
 * label / value pairs in the page's language. The API's field names are
 * identifiers, not words an operator should read; a field this table does not
 * know yet (a newer API) still gets a readable label from its name.
 */
type Kind = 'money' | 'date' | 'days' | 'refs' | 'documentKind' | 'instrument' | 'billStatus';

export const DETAIL_FIELDS: Record<string, { label: LabelKey; kind: Kind }> = {
  kind: { label: 'detailKind', kind: 'documentKind' },
  orderAmount: { label: 'detailOrderAmount', kind: 'money' },
  consumed: { label: 'detailConsumed', kind: 'money' },
  deliveryAmount: { label: 'detailDeliveryAmount', kind: 'money' },
  invoiced: { label: 'detailInvoiced', kind: 'money' },
  orderRefs: { label: 'detailOrderRefs', kind: 'refs' },
  invoiceAmount: { label: 'detailInvoiceAmount', kind: 'money' },
  deliveryRefs: { label: 'detailDeliveryRefs', kind: 'refs' },
  dueDate: { label: 'dueDate', kind: 'date' },
  itemAmount: { label: 'detailItemAmount', kind: 'money' },
  settled: { label: 'detailSettled', kind: 'money' },
  daysOverdue: { label: 'daysOverdue', kind: 'days' },
  ledgerBalance: { label: 'detailLedgerBalance', kind: 'money' },
  openItemResiduals: { label: 'detailOpenItemResiduals', kind: 'money' },
  instrument: { label: 'detailInstrument', kind: 'instrument' },
  status: { label: 'detailBillStatus', kind: 'billStatus' },
  atRiskUntil: { label: 'detailAtRiskUntil', kind: 'date' },
};

const VALUES: Partial<Record<Kind, Record<string, LabelKey>>> = {
  documentKind: {
    order: 'docOrder',
    delivery: 'docDelivery',
    invoice: 'docInvoice',
    'credit-note': 'docCreditNote',
    'open-item': 'openItem',
    unallocated: 'docUnallocated',
    bill: 'bill',
  },
  instrument: {
    riba: 'instrumentRiba',
    'bill-of-exchange': 'instrumentBillOfExchange',
    sdd: 'instrumentSdd',
    other: 'instrumentOther',
  },
  billStatus: {
    issued: 'billIssued',
    presented: 'billPresented',
    collected: 'billCollected',
    dishonoured: 'billDishonoured',
    cancelled: 'billCancelled',
  },
};

const MONEY = /^-?\d+\.\d{2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `openItemResiduals` → "Open item residuals", `bank_id` → "Bank id". */
export function readableName(field: string): string {
  const words = field
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value of a field the table does not know: money and dates still look like the rest of the page. */
function plain(value: unknown, t: Translate, locale: Locale): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'string') {
    if (MONEY.test(value)) return formatAmount(value, locale);
    if (DATE.test(value)) return formatDate(value, locale);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => plain(v, t, locale)).join(', ');
  if (typeof value === 'object') return reference(value as Record<string, unknown>, t, locale);
  return String(value);
}

/** `{orderId: "SO-1", amount: "300.00"}` → "SO-1: 300.00"; other objects as their fields. */
function reference(value: Record<string, unknown>, t: Translate, locale: Locale): string {
  const { amount, ...rest } = value;
  const ids = Object.values(rest);
  if (typeof amount === 'string' && ids.length === 1 && typeof ids[0] === 'string') {
    return `${ids[0]}: ${formatAmount(amount, locale)}`;
  }
  return Object.entries(value)
    .map(([k, v]) => `${readableName(k)}: ${plain(v, t, locale)}`)
    .join('; ');
}

function shown(kind: Kind, value: unknown, t: Translate, locale: Locale): string {
  switch (kind) {
    case 'money':
      return typeof value === 'string' ? formatAmount(value, locale) : plain(value, t, locale);
    case 'date':
      return typeof value === 'string' ? formatDate(value, locale) : plain(value, t, locale);
    case 'refs':
      return Array.isArray(value) && value.length === 0 ? '—' : plain(value, t, locale);
    case 'days':
      return plain(value, t, locale);
    default: {
      const label = typeof value === 'string' ? VALUES[kind]?.[value] : undefined;
      return label ? t(label) : plain(value, t, locale);
    }
  }
}

export function detailRows(
  details: Record<string, unknown>,
  t: Translate,
  locale: Locale,
): { field: string; label: string; value: string }[] {
  // Postgres (jsonb) returns the fields in its own order: show them in the table's, new ones last.
  const order = Object.keys(DETAIL_FIELDS);
  const rank = (field: string) => (Object.hasOwn(DETAIL_FIELDS, field) ? order.indexOf(field) : order.length);
  const fields = Object.entries(details).sort(([a], [b]) => rank(a) - rank(b));
  return fields.map(([field, value]) => {
    const known = Object.hasOwn(DETAIL_FIELDS, field) ? DETAIL_FIELDS[field] : undefined;
    return {
      field,
      label: known ? t(known.label) : readableName(field),
      value: known ? shown(known.kind, value, t, locale) : plain(value, t, locale),
    };
  });
}
