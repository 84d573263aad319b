import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@credit/auth';
import { Metrics } from './metrics';

const EXAMPLE = [
  '# HELP exposure_events_folded_total Input events applied to the customers state, by input topic',
  '# TYPE exposure_events_folded_total counter',
  'exposure_events_folded_total{topic="erp.documents"} 1234',
].join('\n');

/**
 * `GET /metrics`: the app's metrics in the Prometheus text format. Public (no
 * token) so that scrapers need none: bind the port to a private interface or
 * firewall it, never expose it to the internet (docs/performance.md).
 */
@Public()
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'No token needed: scraped by Prometheus. Must not be reachable from outside the private network.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Every metric of this app instance',
    content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  async scrape(@Res() response: Response): Promise<void> {
    const body = await this.metrics.render();
    // end(), not send(): the registry's content type goes out as it is (send() would add a charset).
    response.status(200).setHeader('Content-Type', this.metrics.contentType);
    response.end(body);
  }
}
