import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole, Role, ROLES } from '@credit/auth';
import { problemResponse as problem } from '../limits/openapi';

/** The caller as the API sees it: the verified token's subject, known roles and companies. */
export class MeResponse {
  @ApiProperty({ example: 'erp-gateway', description: "The token's sub: a user or service name." })
  subject!: string;

  @ApiProperty({
    enum: ROLES,
    isArray: true,
    example: ['erp-service'],
    description: 'The known roles of the token (unknown role strings are ignored).',
  })
  roles!: Role[];

  @ApiProperty({
    oneOf: [
      { type: 'array', items: { type: 'string' } },
      { type: 'string', enum: ['*'] },
    ],
    example: ['IT01', 'IT02'],
    description: "The companies the caller may see, or '*' for all of them.",
  })
  companies!: string[] | '*';
}

/**
 * Who am I: the principal of the bearer token. Useful to an integration to check
 * its token, and the trivial authenticated endpoint the benchmark measures the
 * credit check against (same app, same HTTP stack and guard, no I/O).
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  @Get()
  @RequireRole('viewer', 'erp-service')
  @ApiOperation({
    summary: 'The caller: subject, roles and companies of the bearer token',
    description:
      'Answers from the verified token alone (no database, Redis or Kafka). Every role may call it ' +
      '(viewer and above, erp-service).',
  })
  @ApiOkResponse({
    type: MeResponse,
    examples: {
      integration: {
        summary: 'An ERP integration',
        value: { subject: 'erp-gateway', roles: ['erp-service'], companies: ['IT01', 'IT02'] },
      },
      admin: {
        summary: 'An administrator of every company',
        value: { subject: 'alice', roles: ['admin'], companies: '*' },
      },
    },
  })
  @ApiUnauthorizedResponse({
    description: 'No valid bearer token.',
    ...problem(401, 'Unauthorized', 'missing bearer token'),
  })
  @ApiForbiddenResponse({
    description: 'A token without any known role.',
    ...problem(403, 'Forbidden', 'requires role viewer or erp-service'),
  })
  me(@CurrentPrincipal() principal: Principal): MeResponse {
    return { subject: principal.subject, roles: [...principal.roles], companies: principal.companies };
  }
}
