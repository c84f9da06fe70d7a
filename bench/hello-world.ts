// The ceiling's server: a Fastify hello-world on the project's own Fastify
// and Node, no plugins, no logger. Run as its own process by the `ceiling`
// scenario; prints one JSON line with its URL once listening.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ msg: 'hello-world listening', url })}\n`);
process.once('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
