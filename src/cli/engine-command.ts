// `engine`: the embedded MongoDB-compatible engine in the foreground, for mongosh, the conformance
// runner, your own tests or `--engine uri`. `--replset` starts a replica set instead (transactions,
// change streams, secondaries). Ctrl-C (or SIGTERM) closes every client socket and exits.
import { startEmbedded } from '../runtime/engines.js';
import { UserError } from './errors.js';
import { createTerminal } from '../ui/terminal.js';
import { command } from './invocation.js';

export interface EngineCommandOptions {
  port: number;
  replset?: boolean;
  members: number;
  /** --members was typed (it means nothing without --replset). */
  membersGiven?: boolean;
  enableTestCommands?: boolean;
}

export async function engineCommand(options: EngineCommandOptions): Promise<void> {
  const terminal = createTerminal();
  const { style } = terminal;
  if (options.membersGiven && !options.replset) {
    throw new UserError('--members sets the size of a replica set, and no replica set was asked for.', { hint: 'Add --replset: `backend-scenarios engine --replset --members 3`.' });
  }
  if (options.replset && options.port !== 0) {
    throw new UserError('--port names one port, but a replica set listens on one port per member.', { hint: 'Leave --port out with --replset: each member gets a free port, and the URI lists them all.' });
  }
  let server;
  try {
    server = await startEmbedded({
      port: options.port,
      enableTestCommands: options.enableTestCommands === true,
      ...(options.replset ? { replicaSet: { name: 'rs0', members: options.members } } : {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UserError(`Port ${options.port} is already in use.`, { hint: 'Pick another with --port, or leave it out to get a free one.' });
    }
    throw error;
  }
  const kind = server.replicaSet ? `replica set ${server.replicaSet.name} of ${server.replicaSet.hosts.length}` : 'standalone';
  terminal.line(`${style.green('●')} embedded engine (MongoDB ${server.version}, ${kind}) listening on ${style.bold(server.uri)}`);
  if (server.replicaSet) {
    server.replicaSet.hosts.forEach((host, index) => terminal.line(style.dim(`  ${index === server.replicaSet!.primary() ? 'primary  ' : 'secondary'} ${host}`)));
  }
  if (options.enableTestCommands) {
    const failPoints = server.replicaSet ? 'failCommand, rsSyncApplyStop, onPrimaryTransactionalWrite' : 'failCommand';
    terminal.line(style.dim(`  test commands enabled: configureFailPoint (${failPoints})`));
  }
  terminal.line(style.dim(`  a shell:   mongosh "${server.uri}"   (or npx mongosh …)`));
  terminal.line(style.dim(`  a demo:    MONGODB_URI="${server.uri}" ${command('run 24 --engine uri')}`));
  terminal.line(style.dim('  Ctrl-C to stop'));
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await server.close();
  terminal.line(style.dim(`stopped (${signal}); every connection closed`));
}
