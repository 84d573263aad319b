import { ApiProperty } from '@nestjs/swagger';
import { PaymentTermsSource, RiskClass } from '@credit/domain';

export class LimitProposalBasis {
  @ApiProperty({
    example: '90000.00',
    description: 'Invoices minus credit notes dated in the window, not cancelled.',
  })
  turnover12m!: string;
  @ApiProperty({ format: 'date', example: '2025-07-01' }) fromDate!: string;
  @ApiProperty({ format: 'date', example: '2026-06-30' }) toDate!: string;
  @ApiProperty({ example: 30 }) maxPaymentTermsDays!: number;
  @ApiProperty({
    enum: ['class', 'customer', 'none'],
    example: 'class',
    description:
      "class: the credit class's maximum; customer: the customer's own terms (customer.updated); none: 0.",
  })
  termsSource!: PaymentTermsSource;
  @ApiProperty({ example: '12.35' }) avgDaysLate!: string;
  @ApiProperty({ enum: ['A', 'B', 'C', 'D'], example: 'C' }) riskClass!: RiskClass;
  @ApiProperty({
    example: '0.7',
    description: 'The company parameter limitProposalFactors of the risk class.',
  })
  factor!: string;
}

export class LimitProposalView {
  @ApiProperty({
    example: '7400.00',
    description: 'turnover12m / 365 x (maxPaymentTermsDays + avgDaysLate) x factor, rounded up to 100.00.',
  })
  proposedAmount!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '5000.00',
    description: 'The limit in force (engine state).',
  })
  currentLimit!: string | null;
  @ApiProperty({ type: LimitProposalBasis }) basis!: LimitProposalBasis;
}
