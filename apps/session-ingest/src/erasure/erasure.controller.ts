import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Allow, CurrentPrincipal, parseRequest, type Principal } from '@reverie/service-kit';
import { ADMIN_ERASURES_ROUTE, erasureBody } from './erasure-requests';
import { ErasureService, type ErasureResult } from './erasure.service';

/** Right to erasure: an admin erases users or sessions of their own tenant. */
@Controller(ADMIN_ERASURES_ROUTE)
export class ErasureController {
  constructor(@Inject(ErasureService) private readonly erasures: ErasureService) {}

  @Post()
  @HttpCode(200)
  @Allow('admin')
  erase(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<ErasureResult> {
    return this.erasures.erase(principal, parseRequest(erasureBody, body, 'body'));
  }
}
