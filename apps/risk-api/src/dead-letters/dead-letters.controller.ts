import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireRole } from '@credit/auth';
import { pageOf } from '../http/paging';
import { PatternParamPipe } from '../http/params';
import {
  DEAD_LETTER_ID,
  DeadLetterCountsDto,
  DeadLetterCountsQuery,
  DeadLetterDetailDto,
  DeadLetterPageDto,
  DeadLettersQuery,
  RedriveBody,
  RedriveTrailDto,
} from './dead-letters.dto';
import { DeadLetters } from './dead-letters.service';

const EventIdParam = (): ParameterDecorator =>
  Param('eventId', new PatternParamPipe('eventId', DEAD_LETTER_ID));

const ID_PARAM = {
  name: 'eventId',
  description: 'The dead letter eventId (header dlq.eventId).',
  schema: { type: 'string' as const, pattern: DEAD_LETTER_ID.source },
};

/**
 * Dead letters for operators (admin): listed by reason and topic, counted by
 * reason, shown with the original bytes, and re-driven with a corrected body.
 * A caller sees the dead letters of its companies; those naming no company
 * (not JSON, say) only with every company.
 */
@ApiTags('operations')
@RequireRole('admin')
@Controller('v1/admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  @ApiOperation({
    operationId: 'listDeadLetters',
    summary: 'Dead letters, newest first',
    description:
      'Inputs the engine rejected, as read from the dead-letter topic, with their re-drive if any.',
  })
  @ApiOkResponse({ type: DeadLetterPageDto })
  @ApiBadRequestResponse({ description: 'reason must be one of NOT_JSON, ...' })
  async list(@Query() query: DeadLettersQuery, @CurrentPrincipal() principal: Principal) {
    const page = pageOf(query);
    const found = await this.deadLetters.list(
      {
        companies: principal.companies,
        reason: query.reason,
        topic: query.topic,
        pending: query.pending === undefined ? undefined : query.pending === 'true',
      },
      page,
    );
    return { ...found, ...page };
  }

  @Get('counts')
  @ApiOperation({
    operationId: 'countDeadLettersByReason',
    summary: 'Dead letters counted by reason',
    description: 'How many per reason, and how many of them are not re-driven yet.',
  })
  @ApiOkResponse({ type: DeadLetterCountsDto })
  async counts(@Query() query: DeadLetterCountsQuery, @CurrentPrincipal() principal: Principal) {
    return {
      reasons: await this.deadLetters.countsByReason({ companies: principal.companies, topic: query.topic }),
    };
  }

  @Get(':eventId')
  @ApiOperation({
    operationId: 'getDeadLetter',
    summary: 'One dead letter, with the original key and value and its re-drive trail',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DeadLetterDetailDto })
  @ApiNotFoundResponse({ description: 'no dead letter with this eventId' })
  show(@EventIdParam() eventId: string, @CurrentPrincipal() principal: Principal) {
    return this.deadLetters.show(eventId, principal.companies);
  }

  @Post(':eventId/redrive')
  @ApiOperation({
    operationId: 'redriveDeadLetter',
    summary: 'Re-drive a dead letter with a corrected event',
    description:
      'Publishes the corrected event, with a new eventId, to the topic the original came from, and keeps ' +
      'the trail (who, when, the original offset, the new eventId). The corrected event is checked with ' +
      "the engine's own decoder first. A dead letter is re-driven once.",
  })
  @ApiParam(ID_PARAM)
  @ApiCreatedResponse({ type: RedriveTrailDto })
  @ApiBadRequestResponse({ description: 'the corrected event would be dead-lettered again: field and rule' })
  @ApiNotFoundResponse({ description: 'no dead letter with this eventId' })
  @ApiConflictResponse({ description: 'already re-driven, or its topic is not an input topic here' })
  redrive(
    @EventIdParam() eventId: string,
    @Body() body: RedriveBody,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.deadLetters.redrive(eventId, body, principal.subject, principal.companies);
  }
}
