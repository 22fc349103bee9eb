// `doctor`: what this machine can run and why: Node, each MongoDB engine (and which one `auto`
// picks), Redis, and whether every scenario file loads.
import { autoEngineName, describeEngines, maskUri } from '../runtime/engines.js';
import { listScenarioFiles, loadScenarioFile } from '../scenario/registry.js';
import { createTerminal } from '../ui/terminal.js';
import { wrap } from '../ui/text.js';
import { ExitCode } from './errors.js';

const minimumNode = [20, 19];

export async function doctorCommand(): Promise<void> {
  const terminal = createTerminal();
  const { style } = terminal;
  const ok = style.green('✔');
  const no = style.red('✘');
  // Optional and simply not set up is neither good nor bad: a neutral ○, never red.
  const neutral = style.dim('○');
  const item = (good: boolean | 'neutral', text: string): void => {
    const mark = good === 'neutral' ? neutral : good ? ok : no;
    for (const line of wrap(text, terminal.width, '    ', `  ${mark} `)) terminal.line(line);
  };
  let healthy = true;

  terminal.line(style.bold('Node'));
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const nodeOk = major > minimumNode[0]! || (major === minimumNode[0] && minor >= minimumNode[1]!);
  healthy &&= nodeOk;
  item(nodeOk, `Node ${process.versions.node}${nodeOk ? '' : ` (needs ${minimumNode.join('.')} or newer)`}`);

  terminal.line();
  for (const line of wrap(`${style.bold('MongoDB engines')}  ${style.dim('(auto: MONGODB_URI if set, else a mongod on disk, else embedded)')}`, terminal.width, '  ')) terminal.line(line);
  const engines = await describeEngines();
  for (const engine of engines) {
    const state = engine.available ? true : engine.notConfigured ? 'neutral' : false;
    item(state, `${style.bold(engine.name)}: ${engine.notConfigured ? `not configured (optional): ${engine.reason}` : engine.reason}`);
  }
  // The same rule as `run --engine auto`: a MONGODB_URI that is set is used (and fails) even when
  // another engine would work, so doctor must not promise a fallback that run will not take.
  const mongodOnDisk = engines.some((engine) => engine.name === 'memory-server' && engine.available);
  const auto = engines.find((engine) => engine.name === autoEngineName(process.env, mongodOnDisk));
  const autoWorks = auto?.available === true;
  healthy &&= autoWorks;
  const arrow = (text: string): void => {
    for (const line of wrap(text, terminal.width, '    ', '  → ')) terminal.line(line);
  };
  if (autoWorks) arrow(`\`run\` will use ${style.bold(auto.name)}`);
  else if (auto) arrow(style.red(`\`run\` will fail: it uses ${auto.name} (${auto.name === 'uri' ? 'MONGODB_URI is set' : 'a mongod is on disk'}), which is not available.`));
  else arrow(style.red('no engine is available'));
  if (!autoWorks && auto?.hint) for (const line of wrap(style.dim(`hint: ${auto.hint}`), terminal.width, '    ', '    ')) terminal.line(line);

  terminal.line();
  terminal.line(style.bold('Redis') + style.dim('  (some demos use it)'));
  const redisUrl = process.env['REDIS_URL'];
  item(redisUrl ? true : 'neutral', redisUrl ? `REDIS_URL=${maskUri(redisUrl)}` : 'REDIS_URL is not set: demos use an in-memory Redis (ioredis-mock)');

  terminal.line();
  terminal.line(style.bold('Scenarios'));
  const files = await listScenarioFiles();
  let loaded = 0;
  for (const file of files) {
    try {
      await loadScenarioFile(file);
      loaded += 1;
    } catch (error) {
      healthy = false;
      item(false, error instanceof Error ? error.message : String(error));
    }
  }
  item(loaded === files.length, `${loaded} of ${files.length} scenario files load and validate`);

  if (!healthy) process.exitCode = ExitCode.checksFailed;
}
