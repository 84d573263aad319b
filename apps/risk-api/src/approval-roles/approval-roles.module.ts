import { Module } from '@nestjs/common';
import { ApprovalRolesController } from './approval-roles.controller';
import { ApprovalRolesService } from './approval-roles.service';

/** Approval roles, their members and the audit of authority changes. */
@Module({
  controllers: [ApprovalRolesController],
  providers: [ApprovalRolesService],
})
export class ApprovalRolesModule {}
