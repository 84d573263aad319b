import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who really sent each credit check that held a document: the authenticated
 * subject of the API call (requested_by may be the ERP user an erp-service
 * names). NULL for holds of document.checkRequested (sent by the ERP on
 * erp.documents) and for holds made before this column. Neither the requester
 * nor the sender may decide the hold.
 */
export class HoldSender1765000000200 implements MigrationInterface {
  name = 'HoldSender1765000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE hold ADD COLUMN sent_by varchar(128)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE hold DROP COLUMN sent_by`);
  }
}
