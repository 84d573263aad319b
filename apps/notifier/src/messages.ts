import type { AlertLanguage } from '@credit/config';
import type { NotifiedEvent } from './alert-rules';

export interface EmailMessage {
  subject: string;
  text: string;
}

/** One event as an e-mail shows it: the event and the customer's name (the code when unknown). */
export interface EventItem {
  event: NotifiedEvent;
  customerName: string | null;
}

const WORDS = {
  it: {
    customer: 'Cliente',
    company: 'Società',
    happened: 'Cosa è successo',
    at: 'Quando',
    total: 'Esposizione',
    limit: 'Fido',
    noLimit: 'nessun fido',
    utilization: 'Utilizzo',
    components:
      'Ordini {orders}, DDT {deliveries}, fatture non contabilizzate {unpostedInvoices}, saldo contabile {receivables}, effetti a rischio {bills}',
    overdueAmount: 'Scaduto',
    oldestOverdueDays: 'Scaduto più vecchio (giorni)',
    reasons: 'Motivi',
    document: 'Documento',
    amount: 'Importo',
    exposureBefore: 'Esposizione prima',
    exposureAfter: 'Esposizione dopo',
    decidedBy: 'Deciso da',
    reason: 'Motivazione',
    link: 'Apri il cliente nel desk',
    digestSubject: 'Riepilogo avvisi credito del {date}: {count} eventi',
    digestIntro: 'Gli avvisi del {date}:',
    event: 'Evento',
    caseId: 'Pratica di recupero',
    items: 'Partite scadute',
    promised: 'Promessa di pagamento',
    paidSince: 'Pagato da allora',
    changedBy: 'Cambiato da',
    footer: 'Messaggio automatico del controllo crediti: non rispondere.',
  },
  en: {
    customer: 'Customer',
    company: 'Company',
    happened: 'What happened',
    at: 'When',
    total: 'Exposure',
    limit: 'Credit limit',
    noLimit: 'no limit',
    utilization: 'Utilisation',
    components:
      'Orders {orders}, delivery notes {deliveries}, unposted invoices {unpostedInvoices}, ledger balance {receivables}, bills at risk {bills}',
    overdueAmount: 'Overdue',
    oldestOverdueDays: 'Oldest overdue (days)',
    reasons: 'Reasons',
    document: 'Document',
    amount: 'Amount',
    exposureBefore: 'Exposure before',
    exposureAfter: 'Exposure after',
    decidedBy: 'Decided by',
    reason: 'Reason',
    link: 'Open the customer on the desk',
    digestSubject: 'Credit alerts of {date}: {count} events',
    digestIntro: 'The alerts of {date}:',
    event: 'Event',
    caseId: 'Collection case',
    items: 'Overdue items',
    promised: 'Promise to pay',
    paidSince: 'Paid since',
    changedBy: 'Changed by',
    footer: 'Automatic message of credit control: do not reply.',
  },
} as const;

const STATUS = {
  it: { NO_LIMIT: 'senza fido', OK: 'nel fido', WARNING: 'in attenzione', EXCEEDED: 'fido superato' },
  en: { NO_LIMIT: 'no limit', OK: 'within the limit', WARNING: 'near the limit', EXCEEDED: 'over the limit' },
} as const;

const REASONS = {
  it: {
    LIMIT_EXCEEDED: 'fido superato',
    LIMIT_EXPIRED: 'fido scaduto',
    OVERDUE: 'partite scadute',
    ATTENTION_THRESHOLD: 'soglia di attenzione',
  },
  en: {
    LIMIT_EXCEEDED: 'limit exceeded',
    LIMIT_EXPIRED: 'limit expired',
    OVERDUE: 'overdue items',
    ATTENTION_THRESHOLD: 'attention threshold',
  },
} as const;

const DOCUMENT_TYPES = {
  it: { order: 'ordine', delivery: 'DDT', invoice: 'fattura' },
  en: { order: 'order', delivery: 'delivery note', invoice: 'invoice' },
} as const;

const OUTCOMES = {
  it: {
    'document.allowed': 'consentito',
    'document.warned': 'consentito con avviso',
    'document.held': 'bloccato in attesa di decisione',
    'document.released': 'sbloccato in deroga',
    'document.rejected': 'respinto',
  },
  en: {
    'document.allowed': 'allowed',
    'document.warned': 'allowed with a warning',
    'document.held': 'held for a decision',
    'document.released': 'released by exception',
    'document.rejected': 'rejected',
  },
} as const;

const DUNNING_ACTIONS = {
  it: { reminder: 'sollecito', 'formal-notice': 'diffida', 'out-of-court': 'recupero stragiudiziale' },
  en: { reminder: 'reminder', 'formal-notice': 'formal notice', 'out-of-court': 'out-of-court recovery' },
} as const;

const STAGES = {
  it: { dunning: 'sollecito', legal: 'recupero legale', 'written-off': 'stralcio (perdita)' },
  en: { dunning: 'dunning', legal: 'legal recovery', 'written-off': 'written off' },
} as const;

const CLOSE_REASONS = {
  it: { paid: 'pagato', 'below-minimum': 'scaduto sotto il minimo' },
  en: { paid: 'paid', 'below-minimum': 'overdue below the minimum' },
} as const;

const fill = (template: string, values: Record<string, unknown>): string =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '-'));

const lookup = (table: Record<string, string>, key: unknown): string =>
  typeof key === 'string' ? (table[key] ?? key) : String(key);

const reasonsText = (language: AlertLanguage, reasons: unknown): string =>
  Array.isArray(reasons) ? reasons.map((r) => lookup(REASONS[language], r)).join(', ') : '-';

/** One line saying what happened, for the subject and the digest. */
export function headline(language: AlertLanguage, event: NotifiedEvent): string {
  const d = event.data;
  const it = language === 'it';
  switch (event.type) {
    case 'exposure.statusChanged':
      return (
        `${it ? 'stato del fido' : 'limit status'}: ${lookup(STATUS[language], d.to)}` +
        (d.from ? ` (${it ? 'prima' : 'was'} ${lookup(STATUS[language], d.from)})` : '')
      );
    case 'overdue.changed':
      return d.overdue
        ? `${it ? 'partite scadute' : 'overdue items'}: ${d.overdueAmount}`
        : it
          ? `nessuno scaduto oltre la tolleranza (scaduto ${d.overdueAmount})`
          : `no overdue breach any more (overdue ${d.overdueAmount})`;
    case 'customer.blocked':
      return `${it ? 'cliente bloccato' : 'customer blocked'} (${reasonsText(language, d.reasons)})`;
    case 'customer.unblocked':
      return it ? 'cliente sbloccato' : 'customer unblocked';
    case 'dunning.levelReached':
      return it
        ? `sollecito di livello ${String(d.level)}: ${lookup(DUNNING_ACTIONS.it, d.action)} (scaduto ${String(d.overdueAmount)})`
        : `dunning level ${String(d.level)}: ${lookup(DUNNING_ACTIONS.en, d.action)} (overdue ${String(d.overdueAmount)})`;
    case 'collection.stageChanged':
      return `${it ? 'pratica di recupero passata a' : 'collection case moved to'} ${lookup(STAGES[language], d.to)}`;
    case 'collection.closed':
      return `${it ? 'pratica di recupero chiusa' : 'collection case closed'} (${lookup(CLOSE_REASONS[language], d.reason)})`;
    case 'promise.broken':
      return it
        ? `promessa di pagamento non mantenuta: ${String(d.amount)} entro il ${String(d.date)}`
        : `promise to pay broken: ${String(d.amount)} by ${String(d.date)}`;
    default:
      if (event.type in OUTCOMES[language]) {
        const outcome = OUTCOMES[language][event.type as keyof (typeof OUTCOMES)['en']];
        return `${lookup(DOCUMENT_TYPES[language], d.documentType)} ${String(d.documentId)} ${it ? 'di' : 'of'} ${String(d.amount)}: ${outcome}`;
      }
      return event.type;
  }
}

/** The figures of the event, one `label: value` line each. */
function figures(language: AlertLanguage, event: NotifiedEvent): string[] {
  const w = WORDS[language];
  const d = event.data;
  const lines: string[] = [];
  const add = (label: string, value: unknown) => {
    if (value !== undefined) lines.push(`${label}: ${value === null ? w.noLimit : String(value)}`);
  };
  switch (event.type) {
    case 'exposure.statusChanged':
      add(w.total, d.total);
      add(w.limit, d.limit);
      if (d.utilizationPct !== null && d.utilizationPct !== undefined)
        add(w.utilization, `${d.utilizationPct}%`);
      if (typeof d.components === 'object' && d.components !== null)
        lines.push(fill(w.components, d.components as Record<string, unknown>));
      break;
    case 'overdue.changed':
      add(w.overdueAmount, d.overdueAmount);
      add(w.oldestOverdueDays, d.oldestOverdueDays);
      break;
    case 'customer.blocked':
      lines.push(`${w.reasons}: ${reasonsText(language, d.reasons)}`);
      break;
    case 'customer.unblocked':
      lines.push(`${w.reasons}: ${reasonsText(language, d.previousReasons)}`);
      break;
    case 'dunning.levelReached':
      add(w.caseId, d.caseId);
      add(w.overdueAmount, d.overdueAmount);
      if (Array.isArray(d.items))
        for (const item of d.items as Record<string, unknown>[])
          lines.push(
            `${w.items}: ${String(item.openItemId)} ${String(item.dueDate)} ${String(item.residual)} (${String(item.daysOverdue)})`,
          );
      break;
    case 'collection.stageChanged':
      add(w.caseId, d.caseId);
      add(w.changedBy, d.changedBy);
      add(w.reason, d.reason);
      break;
    case 'collection.closed':
      add(w.caseId, d.caseId);
      break;
    case 'promise.broken':
      add(w.caseId, d.caseId);
      add(w.promised, `${String(d.amount)} (${String(d.date)})`);
      add(w.paidSince, d.paidSince);
      break;
    default:
      if (event.type.startsWith('document.')) {
        add(w.document, `${lookup(DOCUMENT_TYPES[language], d.documentType)} ${String(d.documentId)}`);
        add(w.amount, d.amount);
        add(w.exposureBefore, d.exposureBefore);
        add(w.exposureAfter, d.exposureAfter);
        if ('limit' in d) add(w.limit, d.limit);
        if (Array.isArray(d.reasons) && d.reasons.length > 0)
          lines.push(`${w.reasons}: ${reasonsText(language, d.reasons)}`);
        add(w.decidedBy, d.decidedBy);
        add(w.reason, d.reason);
      } else {
        for (const [key, value] of Object.entries(d))
          lines.push(`${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
      }
  }
  return lines;
}

/** The desk's page of the customer. */
export const customerLink = (deskBaseUrl: string, customerId: string): string =>
  `${deskBaseUrl.endsWith('/') ? deskBaseUrl : `${deskBaseUrl}/`}#/customers/${encodeURIComponent(customerId)}`;

const customerLabel = (item: EventItem): string =>
  item.customerName ? `${item.event.customerId} ${item.customerName}` : item.event.customerId;

/** The e-mail of one event, in the company's language. */
export function eventEmail(language: AlertLanguage, item: EventItem, deskBaseUrl: string): EmailMessage {
  const w = WORDS[language];
  const { event } = item;
  const what = headline(language, event);
  return {
    subject: `[${event.companyId}] ${customerLabel(item)}: ${what}`,
    text: [
      `${w.company}: ${event.companyId}`,
      `${w.customer}: ${customerLabel(item)}`,
      `${w.happened}: ${what}`,
      `${w.at}: ${event.occurredAt}`,
      ...figures(language, event),
      '',
      `${w.link}: ${customerLink(deskBaseUrl, event.customerId)}`,
      '',
      `-- ${w.footer}`,
      '',
    ].join('\n'),
  };
}

/** The daily digest: a day's events of one subscription in one message. */
export function digestEmail(
  language: AlertLanguage,
  date: string,
  items: EventItem[],
  deskBaseUrl: string,
): EmailMessage {
  const w = WORDS[language];
  const companies = [...new Set(items.map((i) => i.event.companyId))].join(', ');
  const blocks = items.map((item, n) =>
    [
      `${n + 1}. ${customerLabel(item)}: ${headline(language, item.event)}`,
      `   ${w.at}: ${item.event.occurredAt}`,
      ...figures(language, item.event).map((line) => `   ${line}`),
      `   ${w.link}: ${customerLink(deskBaseUrl, item.event.customerId)}`,
    ].join('\n'),
  );
  return {
    subject: `[${companies}] ${fill(w.digestSubject, { date, count: items.length })}`,
    text: `${[fill(w.digestIntro, { date }), ...blocks, `-- ${w.footer}`].join('\n\n')}\n`,
  };
}
