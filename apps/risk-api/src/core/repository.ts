import { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@credit/infrastructure';

/** A libs/postgres repository built on the shared Postgres pool, injected by its class. */
export const repository = <T>(type: new (db: DataSource) => T): Provider => ({
  provide: type,
  inject: [DATA_SOURCE],
  useFactory: (db: DataSource) => new type(db),
});
