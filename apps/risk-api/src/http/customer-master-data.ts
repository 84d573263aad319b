import { ApiProperty } from '@nestjs/swagger';

/** The OpenAPI description of `customerName`, the same on every resource about a customer. */
export const ApiCustomerName = (): PropertyDecorator =>
  ApiProperty({
    type: String,
    nullable: true,
    example: 'Rossi Forniture S.r.l.',
    description: 'Name from erp.customers; null until the customer.updated of the customer has been received',
  });
