import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Allow, ApiOperation, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { ADMIN_ERASURES_ROUTE, erasureBody } from './erasure-requests';
import { ErasureService, type ErasureResult } from './erasure.service';

/** Right to erasure: an admin erases users or sessions of their own tenant. */
@Controller(ADMIN_ERASURES_ROUTE)
export class ErasureController {
  constructor(@Inject(ErasureService) private readonly erasures: ErasureService) {}

  @Post()
  @HttpCode(200)
  @Allow('admin')
  @ApiOperation({
    summary: 'Erase users or sessions of the tenant',
    description: 'Dreaming purges what it derived from them, their data keys are shredded (the log keeps only ciphertext nobody can read), the session read model forgets them and governance recounts every lesson they supported. Safe to repeat.',
    body: erasureBody,
    response: { description: 'ErasureResult: `{ erasureId, scope, artifacts, lessons }`, counts of what was erased' },
    errors: { 503: 'Another service did not confirm the erasure; retry' },
  })
  erase(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<ErasureResult> {
    return this.erasures.erase(principal, parseRequest(erasureBody, body, 'body'));
  }
}
