import { Body, Controller, Delete, Get, HttpCode, Inject, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { CompanyIdParam } from '../http';
import { ROLE_NAME_PATTERN, USER_SUBJECT_PATTERN } from '../holds/request-rules';
import { pageOf, PageQuery } from '../http/paging';
import {
  ApprovalRoleDto,
  ApprovalRoleMemberDto,
  ApprovalRoleMemberPageDto,
  ApprovalRolePageDto,
  ApprovalRolesQuery,
  AuthorityChangePageDto,
  PutApprovalRoleBody,
  RoleNameParam,
  UserSubjectParam,
} from './approval-roles.dto';
import { ApprovalRolesService } from './approval-roles.service';

interface StatusResponse {
  status(code: number): unknown;
}

const ROLE_EXAMPLE: ApprovalRoleDto = {
  companyId: 'IT01',
  name: 'area-manager',
  maxExcess: '5000.00',
  mayReleaseOverdue: false,
  maxLimit: '50000.00',
  memberCount: 2,
  createdBy: 'admin-anna',
  createdAt: '2026-03-01T10:15:02.120Z',
  updatedBy: 'admin-anna',
  updatedAt: '2026-03-01T10:15:02.120Z',
};
const MEMBER_EXAMPLE: ApprovalRoleMemberDto = {
  companyId: 'IT01',
  roleName: 'area-manager',
  userSubject: 'maria',
  assignedBy: 'admin-anna',
  assignedAt: '2026-03-01T10:16:40.002Z',
};
const problem = (statusCode: number, error: string, message: string) => ({
  description: message,
  example: { statusCode, error, message },
});
const ROLE_PARAM = {
  name: 'name',
  description: 'The approval role name.',
  schema: { type: 'string' as const, pattern: ROLE_NAME_PATTERN.source, example: 'area-manager' },
};
const SUBJECT_PARAM = {
  name: 'userSubject',
  description: 'The user as it appears in the `sub` claim of its tokens (URL-encoded).',
  schema: { type: 'string' as const, pattern: USER_SUBJECT_PATTERN.source, example: 'maria' },
};

@ApiTags('approval roles')
@ApiBearerAuth()
@ApiParam({ name: 'companyId', example: 'IT01' })
@ApiUnauthorizedResponse(problem(401, 'Unauthorized', 'missing bearer token'))
@ApiForbiddenResponse(problem(403, 'Forbidden', 'requires role admin'))
@Controller('v1/companies/:companyId')
export class ApprovalRolesController {
  constructor(@Inject(ApprovalRolesService) private readonly roles: ApprovalRolesService) {}

  @Get('approval-roles')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'List the approval roles of a company (authority to release holds by exception)',
    description: 'Sorted by name; `userSubject` keeps the roles a user holds.',
  })
  @ApiOkResponse({
    type: ApprovalRolePageDto,
    example: { items: [ROLE_EXAMPLE], total: 1, limit: 50, offset: 0 },
  })
  @ApiBadRequestResponse(problem(400, 'Bad Request', 'limit must be an integer from 1 to 500'))
  list(@CompanyIdParam() companyId: string, @Query() query: ApprovalRolesQuery) {
    return this.roles.list(companyId, pageOf(query), query.userSubject);
  }

  @Get('approval-roles/:name')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One approval role' })
  @ApiParam(ROLE_PARAM)
  @ApiOkResponse({ type: ApprovalRoleDto, example: ROLE_EXAMPLE })
  @ApiNotFoundResponse(problem(404, 'Not Found', 'approval role area-manager does not exist in company IT01'))
  get(@CompanyIdParam() companyId: string, @RoleNameParam() name: string) {
    return this.roles.get(companyId, name);
  }

  @Put('approval-roles/:name')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Create or replace an approval role',
    description:
      'Both fields are required (PUT replaces the role). 201 when created, 200 when replaced. Every change is ' +
      'audited in authority_change (GET …/authority-changes); a PUT that changes nothing is not audited. ' +
      'An admin who holds the role may not raise its authority (a higher or unlimited maxExcess, or the ' +
      'overdue permission): another admin must (403).',
  })
  @ApiForbiddenResponse(
    problem(
      403,
      'Forbidden',
      'you may not grant yourself approval authority: another admin must give you approval role area-manager in company IT01 or raise its authority',
    ),
  )
  @ApiParam(ROLE_PARAM)
  @ApiResponse({ status: 201, description: 'Created', type: ApprovalRoleDto, example: ROLE_EXAMPLE })
  @ApiOkResponse({ description: 'Replaced', type: ApprovalRoleDto, example: ROLE_EXAMPLE })
  @ApiBadRequestResponse(
    problem(400, 'Bad Request', 'maxExcess must be a money string >= 0 like 5000.00, or null for unlimited'),
  )
  async put(
    @CompanyIdParam() companyId: string,
    @RoleNameParam() name: string,
    @Body() body: PutApprovalRoleBody,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: StatusResponse,
  ): Promise<ApprovalRoleDto> {
    const { role, created } = await this.roles.put(companyId, name, body, principal.subject);
    response.status(created ? 201 : 200);
    return role;
  }

  @Delete('approval-roles/:name')
  @RequireRole('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an approval role that nobody holds any more' })
  @ApiParam(ROLE_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(problem(404, 'Not Found', 'approval role area-manager does not exist in company IT01'))
  @ApiConflictResponse(
    problem(
      409,
      'Conflict',
      'approval role area-manager is still held by 2 user(s) in company IT01; remove its members first',
    ),
  )
  async delete(
    @CompanyIdParam() companyId: string,
    @RoleNameParam() name: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.roles.delete(companyId, name, principal.subject);
  }

  @Get('approval-roles/:name/members')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'The users holding an approval role, sorted by subject' })
  @ApiParam(ROLE_PARAM)
  @ApiOkResponse({
    type: ApprovalRoleMemberPageDto,
    example: { items: [MEMBER_EXAMPLE], total: 1, limit: 50, offset: 0 },
  })
  @ApiNotFoundResponse(problem(404, 'Not Found', 'approval role area-manager does not exist in company IT01'))
  members(@CompanyIdParam() companyId: string, @RoleNameParam() name: string, @Query() query: PageQuery) {
    return this.roles.members(companyId, name, pageOf(query));
  }

  @Get('approval-roles/:name/members/:userSubject')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Whether a user holds an approval role' })
  @ApiParam(ROLE_PARAM)
  @ApiParam(SUBJECT_PARAM)
  @ApiOkResponse({ type: ApprovalRoleMemberDto, example: MEMBER_EXAMPLE })
  @ApiNotFoundResponse(
    problem(404, 'Not Found', 'maria does not hold approval role area-manager in company IT01'),
  )
  member(
    @CompanyIdParam() companyId: string,
    @RoleNameParam() name: string,
    @UserSubjectParam() userSubject: string,
  ) {
    return this.roles.member(companyId, name, userSubject);
  }

  @Put('approval-roles/:name/members/:userSubject')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Assign an approval role to a user in this company',
    description:
      'Idempotent: 201 when assigned now, 200 when the user already held the role. No body. ' +
      'An admin may not assign a role to itself: another admin must (403).',
  })
  @ApiForbiddenResponse(
    problem(
      403,
      'Forbidden',
      'you may not grant yourself approval authority: another admin must give you approval role area-manager in company IT01 or raise its authority',
    ),
  )
  @ApiParam(ROLE_PARAM)
  @ApiParam(SUBJECT_PARAM)
  @ApiResponse({ status: 201, type: ApprovalRoleMemberDto, example: MEMBER_EXAMPLE })
  @ApiOkResponse({ type: ApprovalRoleMemberDto, example: MEMBER_EXAMPLE })
  @ApiNotFoundResponse(problem(404, 'Not Found', 'approval role area-manager does not exist in company IT01'))
  async addMember(
    @CompanyIdParam() companyId: string,
    @RoleNameParam() name: string,
    @UserSubjectParam() userSubject: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: StatusResponse,
  ): Promise<ApprovalRoleMemberDto> {
    const { member, created } = await this.roles.addMember(companyId, name, userSubject, principal.subject);
    response.status(created ? 201 : 200);
    return member;
  }

  @Delete('approval-roles/:name/members/:userSubject')
  @RequireRole('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take an approval role away from a user' })
  @ApiParam(ROLE_PARAM)
  @ApiParam(SUBJECT_PARAM)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse(
    problem(404, 'Not Found', 'maria does not hold approval role area-manager in company IT01'),
  )
  async removeMember(
    @CompanyIdParam() companyId: string,
    @RoleNameParam() name: string,
    @UserSubjectParam() userSubject: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.roles.removeMember(companyId, name, userSubject, principal.subject);
  }

  @Get('authority-changes')
  @RequireRole('viewer')
  @ApiOperation({
    summary: 'Audit trail of changes to approval roles and their members, newest first',
  })
  @ApiOkResponse({
    type: AuthorityChangePageDto,
    example: {
      items: [
        {
          changeId: '17',
          companyId: 'IT01',
          changedBy: 'admin-anna',
          changedAt: '2026-03-01T10:15:02.120Z',
          action: 'role.updated',
          roleName: 'area-manager',
          userSubject: null,
          before: { maxExcess: '1000.00', mayReleaseOverdue: false },
          after: { maxExcess: '5000.00', mayReleaseOverdue: false },
        },
      ],
      total: 1,
      limit: 50,
      offset: 0,
    },
  })
  changes(@CompanyIdParam() companyId: string, @Query() query: PageQuery) {
    return this.roles.changes(companyId, pageOf(query));
  }
}
