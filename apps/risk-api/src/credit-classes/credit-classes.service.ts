import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '@credit/auth';
import { ApiSettings } from '@credit/config';
import { RawDataByType } from '@credit/contracts';
import { OutboundMessage } from '@credit/kafka';
import { CreditClassRow, CreditGovernanceRepository, CustomerCreditClassRow } from '@credit/postgres';
import { Page, PageQuery, pageOf } from '../http/paging';
import { API_SETTINGS, CREDIT_GOVERNANCE, DATA_SOURCE, OUTBOX_WAKER, OutboxWaker } from '../tokens';
import {
  AssignCreditClassBody,
  CreditClassView,
  CustomerCreditClassView,
  PutCreditClassBody,
} from './credit-class.dto';
import { governanceMessage } from './governance-events';

const classView = (row: CreditClassRow): CreditClassView => ({
  code: row.code,
  description: row.description,
  maxPaymentTermsDays: row.max_payment_terms_days,
  maxDocumentAmount: row.max_document_amount,
  reviewEveryDays: row.review_every_days,
  customers: Number(row.customers),
  updatedBy: row.updated_by,
  updatedAt: new Date(row.updated_at).toISOString(),
});

const assignmentView = (row: CustomerCreditClassRow): CustomerCreditClassView => ({
  customerId: row.customer_id,
  code: row.code,
  reason: row.reason,
  assignedBy: row.assigned_by,
  assignedAt: new Date(row.assigned_at).toISOString(),
});

const termsOf = (view: CreditClassView) => ({
  description: view.description,
  maxPaymentTermsDays: view.maxPaymentTermsDays,
  maxDocumentAmount: view.maxDocumentAmount,
  reviewEveryDays: view.reviewEveryDays,
});

const classNotFound = (companyId: string, code: string) =>
  new NotFoundException(`credit class ${code} does not exist in company ${companyId}`);

/** Why a class's holders receive creditClass.assigned again. */
export const CLASS_UPDATED_REASON = 'class updated';

/**
 * Credit classes and their assignment to customers (spec section 11). Each
 * change is one transaction: the row, its audit and the creditClass.assigned
 * events (through the API outbox) for the engine, which folds the class's terms.
 */
@Injectable()
export class CreditClassesService {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(CREDIT_GOVERNANCE) private readonly repository: CreditGovernanceRepository,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(OUTBOX_WAKER) private readonly relay: OutboxWaker,
  ) {}

  async list(companyId: string, query: PageQuery): Promise<Page<CreditClassView>> {
    const { limit, offset } = pageOf(query);
    const { rows, total } = await this.repository.listClasses(this.db.manager, companyId, limit, offset);
    return { items: rows.map(classView), total, limit, offset };
  }

  async get(companyId: string, code: string): Promise<CreditClassView> {
    const row = await this.repository.findClass(this.db.manager, companyId, code);
    if (row === undefined) throw classNotFound(companyId, code);
    return classView(row);
  }

  /**
   * Creates or replaces a class. When an existing class's terms change, every
   * holder gets creditClass.assigned again with the new terms (assignedBy the
   * editor, reason "class updated"), in the same transaction.
   */
  async put(
    companyId: string,
    code: string,
    body: PutCreditClassBody,
    principal: Principal,
  ): Promise<{ creditClass: CreditClassView; created: boolean }> {
    const terms = {
      description: body.description,
      maxPaymentTermsDays: body.maxPaymentTermsDays,
      maxDocumentAmount: body.maxDocumentAmount ?? null,
      reviewEveryDays: body.reviewEveryDays ?? null,
    };
    const result = await this.db.transaction(async (tx) => {
      await this.repository.lock(tx, `credit-class:${companyId}:${code}`);
      const before = await this.repository.findClass(tx, companyId, code, true);
      const { created, changed } = await this.repository.upsertClass(
        tx,
        companyId,
        code,
        terms,
        principal.subject,
      );
      const after = classView((await this.repository.findClass(tx, companyId, code))!);
      if (changed) {
        await this.repository.auditClass(tx, {
          companyId,
          customerId: null,
          code,
          action: created ? 'class.created' : 'class.updated',
          before: before === undefined ? null : termsOf(classView(before)),
          after: termsOf(after),
          changedBy: principal.subject,
          reason: null,
          eventId: null,
        });
      }
      if (changed && !created) {
        const now = new Date();
        const messages: OutboundMessage[] = [];
        for (const customerId of await this.repository.holdersOf(tx, companyId, code)) {
          messages.push(
            this.assigned(companyId, customerId, after, principal.subject, CLASS_UPDATED_REASON, now).message,
          );
        }
        await this.repository.enqueue(tx, messages);
      }
      return { creditClass: after, created };
    });
    this.relay.wake();
    return result;
  }

  /** Deletes a class nobody holds: 404 when unknown, 409 while customers hold it. */
  async delete(companyId: string, code: string, principal: Principal): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.repository.lock(tx, `credit-class:${companyId}:${code}`);
      const row = await this.repository.findClass(tx, companyId, code, true);
      if (row === undefined) throw classNotFound(companyId, code);
      if (Number(row.customers) > 0) {
        throw new ConflictException(
          `credit class ${code} is still held by ${row.customers} customer(s) in company ${companyId}; ` +
            'assign them another class first',
        );
      }
      await this.repository.deleteClass(tx, companyId, code);
      await this.repository.auditClass(tx, {
        companyId,
        customerId: null,
        code,
        action: 'class.deleted',
        before: termsOf(classView(row)),
        after: null,
        changedBy: principal.subject,
        reason: null,
        eventId: null,
      });
    });
  }

  async assignment(companyId: string, customerId: string): Promise<CustomerCreditClassView> {
    const row = await this.repository.findAssignment(this.db.manager, companyId, customerId);
    if (row === undefined) {
      throw new NotFoundException(`customer ${customerId} of company ${companyId} has no credit class`);
    }
    return assignmentView(row);
  }

  /** Assigns (or changes) a customer's class: audited and published as creditClass.assigned. */
  async assign(
    companyId: string,
    customerId: string,
    body: AssignCreditClassBody,
    principal: Principal,
  ): Promise<CustomerCreditClassView> {
    const assignedAt = new Date();
    const row: CustomerCreditClassRow = {
      company_id: companyId,
      customer_id: customerId,
      code: body.code,
      reason: body.reason,
      assigned_by: principal.subject,
      assigned_at: assignedAt,
    };
    await this.db.transaction(async (tx) => {
      // The class is locked against a concurrent edit or delete; the customer against a concurrent assignment.
      await this.repository.lock(tx, `credit-class:${companyId}:${body.code}`);
      await this.repository.lock(tx, `customer-credit-class:${companyId}:${customerId}`);
      const creditClass = await this.repository.findClass(tx, companyId, body.code, true);
      if (creditClass === undefined) throw classNotFound(companyId, body.code);
      const before = await this.repository.findAssignment(tx, companyId, customerId);
      const { eventId, message } = this.assigned(
        companyId,
        customerId,
        classView(creditClass),
        principal.subject,
        body.reason,
        assignedAt,
      );
      await this.repository.assign(tx, row);
      await this.repository.auditClass(tx, {
        companyId,
        customerId,
        code: body.code,
        action: 'assigned',
        before: before === undefined ? null : assignmentView(before),
        after: { ...assignmentView(row), terms: termsOf(classView(creditClass)) },
        changedBy: principal.subject,
        reason: body.reason,
        eventId,
      });
      await this.repository.enqueue(tx, [message]);
    });
    this.relay.wake();
    return assignmentView(row);
  }

  private assigned(
    companyId: string,
    customerId: string,
    creditClass: CreditClassView,
    assignedBy: string,
    reason: string,
    at: Date,
  ) {
    const data: RawDataByType['creditClass.assigned'] = {
      code: creditClass.code,
      description: creditClass.description,
      maxPaymentTermsDays: creditClass.maxPaymentTermsDays,
      maxDocumentAmount: creditClass.maxDocumentAmount,
      reviewEveryDays: creditClass.reviewEveryDays,
      assignedBy,
      reason,
    };
    return governanceMessage(
      this.settings.kafka.topics.creditLimits,
      companyId,
      customerId,
      'creditClass.assigned',
      data,
      at,
    );
  }
}
