import { DataSource, EntityManager } from 'typeorm';
import { CustomerExposureRow } from './customer-exposure.entity';

/**
 * The read side of the exposure projection (customer_exposure) for the API:
 * the engine's projector writes it (ExposureProjection), the API only reads.
 */
export class CustomerExposureRepository {
  constructor(private readonly db: DataSource) {}

  async find(
    companyId: string,
    customerId: string,
    m: EntityManager = this.db.manager,
  ): Promise<CustomerExposureRow | null> {
    return m.getRepository(CustomerExposureRow).findOneBy({ companyId, customerId });
  }
}
