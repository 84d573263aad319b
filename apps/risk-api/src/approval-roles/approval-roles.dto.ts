import { Param } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches, ValidateIf } from 'class-validator';
import { PatternParamPipe } from '../http';
import { NON_NEGATIVE_MONEY_PATTERN, ROLE_NAME_PATTERN, USER_SUBJECT_PATTERN } from '../holds/request-rules';
import { PageMeta, PageQuery } from '../http/paging';

/** `@RoleNameParam() name` = the `:name` path param, 400 "name must match …" when malformed. */
export const RoleNameParam = (): ParameterDecorator =>
  Param('name', new PatternParamPipe('name', ROLE_NAME_PATTERN));
/** `@UserSubjectParam() userSubject` = the `:userSubject` path param (a token `sub`). */
export const UserSubjectParam = (): ParameterDecorator =>
  Param('userSubject', new PatternParamPipe('userSubject', USER_SUBJECT_PATTERN));

export class PutApprovalRoleBody {
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: NON_NEGATIVE_MONEY_PATTERN.source,
    example: '5000.00',
    description:
      'Largest excess over the limit (exposure after the document minus the limit) that holders of this role may ' +
      'release; null = unlimited. Required: send null explicitly for unlimited.',
  })
  @ValidateIf((body: PutApprovalRoleBody) => body.maxExcess !== null)
  @Matches(NON_NEGATIVE_MONEY_PATTERN, {
    message: 'maxExcess must be a money string >= 0 like 5000.00, or null for unlimited',
  })
  maxExcess!: string | null;

  @ApiProperty({
    example: false,
    description:
      'Whether holders may release documents of customers blocked for overdue items (reason OVERDUE).',
  })
  @IsBoolean({ message: 'mayReleaseOverdue must be a boolean' })
  mayReleaseOverdue!: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: NON_NEGATIVE_MONEY_PATTERN.source,
    example: '50000.00',
    description:
      'Largest credit limit (or temporary amount) holders may set or approve (four eyes); null = unlimited. ' +
      'Absent: unchanged (0.00 for a new role).',
  })
  @ValidateIf((body: PutApprovalRoleBody) => body.maxLimit !== null && body.maxLimit !== undefined)
  @Matches(NON_NEGATIVE_MONEY_PATTERN, {
    message: 'maxLimit must be a money string >= 0 like 50000.00, or null for unlimited',
  })
  maxLimit?: string | null;
}

export class ApprovalRolesQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'maria', description: 'Only the roles held by this user (token subject).' })
  @IsOptional()
  @Matches(USER_SUBJECT_PATTERN, { message: `userSubject must match ${USER_SUBJECT_PATTERN.source}` })
  userSubject?: string;
}

export class ApprovalRoleDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'area-manager', pattern: ROLE_NAME_PATTERN.source })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: '5000.00', description: 'null = unlimited' })
  maxExcess!: string | null;

  @ApiProperty({ example: false })
  mayReleaseOverdue!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '50000.00',
    description: 'Largest credit limit holders may set or approve; null = unlimited.',
  })
  maxLimit!: string | null;

  @ApiProperty({ example: 2, description: 'How many users hold the role.' })
  memberCount!: number;

  @ApiProperty({ example: 'admin-anna' })
  createdBy!: string;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  createdAt!: string;

  @ApiProperty({ example: 'admin-anna' })
  updatedBy!: string;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  updatedAt!: string;
}

export class ApprovalRolePageDto extends PageMeta {
  @ApiProperty({ type: [ApprovalRoleDto] })
  items!: ApprovalRoleDto[];
}

export class ApprovalRoleMemberDto {
  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'area-manager' })
  roleName!: string;

  @ApiProperty({ example: 'maria' })
  userSubject!: string;

  @ApiProperty({ example: 'admin-anna' })
  assignedBy!: string;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  assignedAt!: string;
}

export class ApprovalRoleMemberPageDto extends PageMeta {
  @ApiProperty({ type: [ApprovalRoleMemberDto] })
  items!: ApprovalRoleMemberDto[];
}

export class AuthorityChangeDto {
  @ApiProperty({ example: '17', description: 'Increasing id of the change.' })
  changeId!: string;

  @ApiProperty({ example: 'IT01' })
  companyId!: string;

  @ApiProperty({ example: 'admin-anna' })
  changedBy!: string;

  @ApiProperty({ example: '2026-03-01T10:15:02.120Z' })
  changedAt!: string;

  @ApiProperty({ enum: ['role.created', 'role.updated', 'role.deleted', 'member.added', 'member.removed'] })
  action!: string;

  @ApiProperty({ example: 'area-manager' })
  roleName!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  userSubject!: string | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    example: { maxExcess: '1000.00', mayReleaseOverdue: false },
  })
  before!: unknown;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    example: { maxExcess: '5000.00', mayReleaseOverdue: false },
  })
  after!: unknown;
}

export class AuthorityChangePageDto extends PageMeta {
  @ApiProperty({ type: [AuthorityChangeDto] })
  items!: AuthorityChangeDto[];
}
