import { Cents } from './money';
import { BusinessDate } from './dates';

/**
 * The facts the exposure is folded from: the input events of the contract after
 * validation, with money already in cents. One union, discriminated by `type`.
 */
export interface OrderRef {
  orderId: string;
  amount: Cents;
}
export interface DeliveryRef {
  deliveryId: string;
  amount: Cents;
}
export interface Settlement {
  openItemId: string;
  amount: Cents;
}
export interface JournalLine {
  lineId: string;
  side: 'debit' | 'credit';
  amount: Cents;
  invoiceRef?: string;
  openItemId?: string;
  dueDate?: BusinessDate;
  settles?: Settlement[];
}

export type OrderCloseReason = 'cancelled' | 'completed' | 'short-closed';
export type InvoiceKind = 'invoice' | 'credit-note';
export type BillInstrument = 'riba' | 'bill-of-exchange' | 'sdd' | 'other';
export type LimitMode = 'warn' | 'block';
export type DocumentType = 'order' | 'delivery' | 'invoice';
/** What a credit controller records on a collection case (spec 12); calls and notes change no figure. */
export type CollectionActionType = 'call' | 'note' | 'promise' | 'stage' | 'assign';
/** The recovery stages a controller moves a case to; `dunning` is where every case starts. */
export type RecoveryStage = 'legal' | 'written-off';

export type FactData =
  | {
      type: 'order.confirmed';
      orderId: string;
      amount: Cents;
      orderDate?: BusinessDate;
      paymentTermsDays?: number;
    }
  | { type: 'order.closed'; orderId: string; reason: OrderCloseReason }
  | {
      type: 'delivery.issued';
      deliveryId: string;
      amount: Cents;
      deliveryDate?: BusinessDate;
      orderRefs: OrderRef[];
    }
  | { type: 'delivery.cancelled'; deliveryId: string }
  | {
      type: 'invoice.issued';
      invoiceId: string;
      kind: InvoiceKind;
      amount: Cents;
      invoiceDate?: BusinessDate;
      deliveryRefs: DeliveryRef[];
      orderRefs: OrderRef[];
    }
  | { type: 'invoice.cancelled'; invoiceId: string }
  | {
      type: 'document.checkRequested';
      documentType: DocumentType;
      documentId: string;
      amount: Cents;
      orderRefs: OrderRef[];
      deliveryRefs: DeliveryRef[];
      requestedBy?: string;
      paymentTermsDays?: number;
    }
  | { type: 'journal.posted'; entryId: string; postingDate: BusinessDate; lines: JournalLine[] }
  | { type: 'journal.reversed'; entryId: string }
  | {
      type: 'bill.issued';
      billId: string;
      amount: Cents;
      dueDate: BusinessDate;
      instrument: BillInstrument;
    }
  | { type: 'bill.presented'; billId: string; presentedAt: string; bankId?: string }
  | { type: 'bill.collected'; billId: string; collectedAt: string }
  | { type: 'bill.dishonoured'; billId: string; dishonouredAt: string; reason?: string }
  | { type: 'bill.cancelled'; billId: string }
  | {
      type: 'creditLimit.set';
      amount: Cents;
      mode: LimitMode;
      attentionThresholdPct: number;
      validUntil?: BusinessDate;
      /** Both or neither: the amount that applies instead of `amount` up to temporaryUntil. */
      temporaryAmount?: Cents;
      temporaryUntil?: BusinessDate;
      blockOnOverdue: boolean;
      overdueToleranceDays: number;
      setBy: string;
      reason?: string;
    }
  | { type: 'creditLimit.removed'; removedBy: string; reason?: string }
  | {
      type: 'creditClass.assigned';
      code: string;
      description?: string;
      maxPaymentTermsDays: number;
      /** null or absent: no maximum. */
      maxDocumentAmount?: Cents | null;
      /** null or absent: no periodic review. */
      reviewEveryDays?: number | null;
      assignedBy: string;
      reason?: string;
    }
  | { type: 'creditClass.removed'; removedBy: string; reason?: string }
  | { type: 'manualBlock.set'; reason: string; until?: BusinessDate | null; setBy: string }
  | { type: 'manualBlock.removed'; removedBy: string; reason?: string }
  | {
      type: 'collectionAction.recorded';
      actionId: string;
      actionType: CollectionActionType;
      text: string;
      recordedBy: string;
      /** Present iff actionType = promise. */
      promise?: { amount: Cents; date: BusinessDate };
      /** Present iff actionType = stage. */
      stage?: RecoveryStage;
      /** Required on assign, allowed on any action: it sets the case's assignee. */
      assignee?: string;
    }
  | {
      type: 'customer.updated';
      name: string;
      vatNumber?: string;
      salesAgentId?: string;
      paymentTermsDays?: number;
      email?: string;
    };

export type FactType = FactData['type'];

/** A fact with the envelope fields the fold needs. */
export type Fact = FactData & {
  eventId: string;
  occurredAt: string;
  companyId: string;
  customerId: string;
};

export type FactOf<T extends FactType> = Extract<Fact, { type: T }>;
