import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the reviewer console's built files under /console/ (public: the page holds no data; every
 * call it makes presents the signed-in reviewer's credential to the services' APIs). Without a
 * build, /console/ says how to make one.
 */
export function consolePlugin(dir: string): (fastify: FastifyInstance) => Promise<void> {
  const root = path.resolve(dir);
  return async (fastify) => {
    if (!existsSync(path.join(root, 'index.html'))) {
      fastify.get('/console/*', async (_req, reply) => reply.code(404).type('text/plain').send(`The reviewer console is not built (no ${root}/index.html): run \`npm run build\`.`));
      return;
    }
    await fastify.register(fastifyStatic, { root, prefix: '/console/', index: ['index.html'], maxAge: 0 });
    fastify.get('/console', async (_req, reply) => reply.redirect('/console/'));
  };
}
