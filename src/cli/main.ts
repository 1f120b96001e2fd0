#!/usr/bin/env node
import { PIPELINE_VERSION } from '../version.js';
import { DatabaseBusyError } from '../store/store.js';
import { errnoReason } from '../pipeline/input.js';
import { UsageError } from './args.js';
import { CRAWL, crawlCommand } from './crawl.js';
import { COMPARE, compareCommand, EXPORT, exportCommand, REPORT, reportCommand, STATUS, statusCommand } from './dataset.js';
import { INSPECT, inspectCommand, TOTEXT, totextCommand } from './document.js';
import { EXTRACT, extractCommand } from './extract.js';
import { WORKER, workerCommand } from './worker.js';
import { commandHelp, parseCommand, type CommandSpec, type Parsed } from './spec.js';

interface Command { spec: CommandSpec; run: (parsed: Parsed) => Promise<number> }

const COMMANDS: readonly Command[] = [
  { spec: EXTRACT, run: extractCommand },
  { spec: CRAWL, run: crawlCommand },
  { spec: WORKER, run: workerCommand },
  { spec: COMPARE, run: compareCommand },
  { spec: REPORT, run: reportCommand },
  { spec: EXPORT, run: exportCommand },
  { spec: STATUS, run: statusCommand },
  { spec: INSPECT, run: inspectCommand },
  { spec: TOTEXT, run: totextCommand },
];

const USAGE = `zipin ${PIPELINE_VERSION} — performance self-evaluation forms (项目支出绩效自评表) → SQLite or PostgreSQL

Usage: zipin <command> [arguments] [options]

Commands:
${COMMANDS.map(({ spec }) => `  ${spec.name.padEnd(9)}${spec.summary}`).join('\n')}

"zipin <command> --help" lists a command's options and their defaults.
Options: -h, --help (this text), --version.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${PIPELINE_VERSION}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    process.stderr.write(`zipin: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.spec.name).join(', ')}; see zipin --help)\n`);
    return 2;
  }
  try {
    const parsed = parseCommand(command.spec, rest);
    if (parsed.help) {
      process.stdout.write(commandHelp(command.spec));
      return 0;
    }
    return await command.run(parsed);
  } catch (error) {
    if (error instanceof DatabaseBusyError) {
      process.stderr.write(`zipin: ${name}: ${error.message}\n`);
      return 3;
    }
    const errno = error as NodeJS.ErrnoException;
    if (typeof errno.code === 'string' && typeof errno.path === 'string') {
      // A file the command had to read or write: named, with the reason in words.
      process.stderr.write(`zipin: ${name}: ${errno.path}: ${errnoReason(error)}\n`);
      return 1;
    }
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`zipin: ${name}: ${error.message}\n(see zipin ${name} --help)\n`);
    return 2;
  }
}

// Output piped into `head` and the like: the reader left, so stop quietly as other tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    const command = process.argv[2] ?? '';
    process.stderr.write(`zipin: ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
