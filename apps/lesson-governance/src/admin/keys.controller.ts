import { Body, ConflictException, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { Allow, API_KEY_STORE, ApiOperation, CurrentPrincipal, mintApiKey, parseRequest, type ApiKeyStore, type Principal } from '@reverie/service-kit';
import { CLOCK, GOVERNANCE_CONFIG, LOGGER, type Clock } from '../app.tokens';
import type { GovernanceConfig } from '../config/governance.config';
import { ADMIN_KEYS_ROUTE, createKeyBody, keyIdParam, keyView, operatorKeyNames, type CreatedKey, type KeyView } from './key-requests';

/**
 * The keys admin API: an admin mints, lists and revokes the API keys of their own tenant. The
 * tenant is the admin's credential's and the creator or revoker recorded is that credential's
 * actor; another tenant's key is not found (404). A new key's secret is shown once, in the
 * answer to its creation; only its hash is stored. A revoked key stops working on every service
 * within a second (their key caches last 500 ms). Operator keys (REVERIE_API_KEYS) are not here:
 * they live in the environment.
 */
@Controller(ADMIN_KEYS_ROUTE)
export class KeysController {
  private readonly operatorNames: Set<string>;

  constructor(
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
    @Inject(GOVERNANCE_CONFIG) config: GovernanceConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.operatorNames = operatorKeyNames(config.REVERIE_API_KEYS);
  }

  @Post()
  @Allow('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an API key in the admin\'s tenant',
    body: createKeyBody,
    response: { description: 'CreatedKey: the key\'s `token`, shown this once (only its hash is stored)' },
    errors: { 409: 'The name is taken (revoked keys keep theirs) or is an operator key\'s' },
  })
  async create(@CurrentPrincipal() admin: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<CreatedKey> {
    const { name, roles, owner: named, agent } = parseRequest(createKeyBody, body, 'body');
    // A person who mints a key owns it unless they name its owner; a key minting keys for others owns none.
    const owner = named ?? (admin.actor.kind === 'user' ? admin.actor.id : undefined);
    // The name is the key's actor id (`key:<name>`) on all it does: one key per name, revoked ones included, so the audit never confuses two.
    if (this.operatorNames.has(name)) throw new ConflictException(`${name} is the name of an operator key (REVERIE_API_KEYS); choose another name`);
    const taken = (await this.keys.list(admin.tenantId)).find((k) => k.name === name);
    if (taken) throw new ConflictException(`tenant ${admin.tenantId} already has a key named ${name}${taken.revokedAt ? ' (revoked; names stay taken for the audit)' : ''}; choose another name`);
    const minted = mintApiKey();
    const createdAt = this.clock().toISOString();
    await this.keys.create({ keyId: minted.keyId, tenantId: admin.tenantId, name, roles, secretHash: minted.secretHash, createdAt, createdBy: admin.actor.id, ...(owner && { owner }), ...(agent && { agentId: agent }) });
    this.logger.info({ tenantId: admin.tenantId, keyId: minted.keyId, name, roles, owner, actor: admin.actor }, 'api key created');
    void reply.header('cache-control', 'no-store');
    return { keyId: minted.keyId, token: minted.token, tenantId: admin.tenantId, name, roles, ...(owner && { owner }), ...(agent && { agentId: agent }), createdAt };
  }

  @Get()
  @Allow('admin')
  @ApiOperation({ summary: 'The tenant\'s API keys (no secrets)', response: { description: 'KeyView[]' } })
  async list(@CurrentPrincipal() admin: Principal): Promise<KeyView[]> {
    return (await this.keys.list(admin.tenantId)).map(keyView);
  }

  /** Idempotent: revoking a revoked key answers its view again (who revoked it and when stay the first). */
  @Delete(':keyId')
  @Allow('admin')
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'Idempotent: revoking a revoked key answers its view again. Every service stops accepting it within a second.',
    params: { keyId: keyIdParam },
    response: { description: 'KeyView of the revoked key' },
    errors: { 404: 'No such key in the admin\'s tenant' },
  })
  async revoke(@CurrentPrincipal() admin: Principal, @Param('keyId') keyIdText: string): Promise<KeyView> {
    const keyId = parseRequest(keyIdParam, keyIdText, 'params');
    const revoked = await this.keys.revoke(admin.tenantId, keyId, admin.actor.id, this.clock().toISOString());
    const record = await this.keys.find(keyId);
    if (!record || record.tenantId !== admin.tenantId) throw new NotFoundException(`no key ${keyId} in tenant ${admin.tenantId}`);
    if (revoked) this.logger.info({ tenantId: admin.tenantId, keyId, name: record.name, actor: admin.actor }, 'api key revoked');
    return keyView(record);
  }
}
