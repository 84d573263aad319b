import { MigrationInterface, QueryRunner } from 'typeorm';
import { MONEY_SUM_COLUMN } from '../storage';

/**
 * What spec section 11 adds to a customer's exposure row (issue #17): its
 * credit class and the class's terms as folded, the manual block while it is
 * active, the temporary limit beside the base one and the limit in effect on
 * the business date, and when the customer is due for a credit review. All
 * NULL for a row projected before, until the customer is folded again. A hold
 * may carry the new reasons MANUAL, PAYMENT_TERMS_EXCEEDED and
 * DOCUMENT_AMOUNT_EXCEEDED.
 */
export class CreditClassesExposure1765000000800 implements MigrationInterface {
  name = 'CreditClassesExposure1765000000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE customer_exposure
        ADD COLUMN limit_temporary_amount ${MONEY_SUM_COLUMN},
        ADD COLUMN limit_temporary_until date,
        ADD COLUMN limit_effective_amount ${MONEY_SUM_COLUMN},
        ADD COLUMN credit_class text,
        ADD COLUMN max_payment_terms_days integer,
        ADD COLUMN max_document_amount ${MONEY_SUM_COLUMN},
        ADD COLUMN manual_block_reason text,
        ADD COLUMN manual_block_until date,
        ADD COLUMN review_due_on date`);
    // Documents are held for the reasons of section 11 too.
    await db.query(`ALTER TABLE hold DROP CONSTRAINT hold_reasons_check`);
    await db.query(`
      ALTER TABLE hold ADD CONSTRAINT hold_reasons_check CHECK (reasons <@ ARRAY[
        'LIMIT_EXCEEDED', 'LIMIT_EXPIRED', 'OVERDUE', 'MANUAL', 'PAYMENT_TERMS_EXCEEDED', 'DOCUMENT_AMOUNT_EXCEEDED'
      ]::text[])`);
    // The worklist reads the customers due for review per company.
    await db.query(
      `CREATE INDEX customer_exposure_review_due ON customer_exposure (company_id, review_due_on)
         WHERE review_due_on IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS customer_exposure_review_due`);
    await db.query(`ALTER TABLE hold DROP CONSTRAINT hold_reasons_check`);
    await db.query(`
      ALTER TABLE hold ADD CONSTRAINT hold_reasons_check
        CHECK (reasons <@ ARRAY['LIMIT_EXCEEDED', 'LIMIT_EXPIRED', 'OVERDUE']::text[]) NOT VALID`);
    await db.query(`
      ALTER TABLE customer_exposure
        DROP COLUMN limit_temporary_amount, DROP COLUMN limit_temporary_until,
        DROP COLUMN limit_effective_amount, DROP COLUMN credit_class, DROP COLUMN max_payment_terms_days,
        DROP COLUMN max_document_amount, DROP COLUMN manual_block_reason, DROP COLUMN manual_block_until,
        DROP COLUMN review_due_on`);
  }
}
