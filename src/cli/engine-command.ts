// `engine`: the embedded MongoDB-compatible engine in the foreground, for mongosh, the conformance
// runner or `--engine uri`. Ctrl-C (or SIGTERM) closes every client socket and exits.
import { startEmbedded } from '../runtime/engines.js';
import { UserError } from './errors.js';
import { createTerminal } from '../ui/terminal.js';
import { command } from './invocation.js';

export async function engineCommand(options: { port: number }): Promise<void> {
  const terminal = createTerminal();
  const { style } = terminal;
  let server;
  try {
    server = await startEmbedded({ port: options.port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UserError(`Port ${options.port} is already in use.`, { hint: 'Pick another with --port, or leave it out to get a free one.' });
    }
    throw error;
  }
  terminal.line(`${style.green('●')} embedded engine (MongoDB ${server.version}) listening on ${style.bold(server.uri)}`);
  terminal.line(style.dim(`  a shell:   mongosh ${server.uri}   (or npx mongosh …)`));
  terminal.line(style.dim(`  a demo:    MONGODB_URI=${server.uri} ${command('run 24 --engine uri')}`));
  terminal.line(style.dim('  Ctrl-C to stop'));
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await server.close();
  terminal.line(style.dim(`stopped (${signal}); every connection closed`));
}
