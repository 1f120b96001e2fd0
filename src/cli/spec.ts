import { parseArgs } from 'node:util';
import { UsageError } from './args.js';

/** One option of a command, as its `--help` lists it. */
export interface OptionSpec {
  name: string;
  short?: string;
  /** A value's placeholder (`SECONDS`); a flag has none. */
  value?: string;
  multiple?: boolean;
  /** The default as the user would type it (shown in --help; applied by the command). */
  default?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** The arguments after the command's name, as --help shows them: `<file|dir|->...`. */
  args: string;
  /** One line for `zipin --help`. */
  summary: string;
  /** Paragraphs for `zipin <command> --help` (exit codes, what is written where). */
  description: string;
  options: readonly OptionSpec[];
  /** Command lines a newcomer can copy, shown under "Examples:" (each with a comment saying what it does). */
  examples: readonly string[];
}

/** Where each command is explained at length, in the package's docs/ (the dataset's tables and flags: docs/dataset.md). */
const MANUAL: Record<string, string> = {
  crawl: 'docs/crawling.md', worker: 'docs/crawling.md#worker', status: 'docs/commands.md#status', compare: 'docs/commands.md#compare and docs/queries.md',
  export: 'docs/commands.md#export and docs/dataset.md', report: 'docs/commands.md#report', extract: 'docs/commands.md#extract and docs/formats.md',
  inspect: 'docs/commands.md#inspect', totext: 'docs/commands.md#totext',
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
  /** The command's arguments as given (recorded in runs.command). */
  args: readonly string[];
}

const HELP: OptionSpec = { name: 'help', short: 'h', help: 'show this help and exit' };

/**
 * `args` by `spec`: unknown options and missing values are usage errors in words, and a negative
 * number after an option that takes a value is that value (`--timeout -5` is refused by the
 * option's own check, not as "ambiguous").
 */
export function parseCommand(spec: CommandSpec, args: readonly string[]): Parsed {
  const options = [...spec.options, HELP];
  const takesValue = new Set(options.filter((o) => o.value).flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])]));
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  try {
    const { values, positionals } = parseArgs({
      args: joined, allowPositionals: true, strict: true,
      options: Object.fromEntries(options.map((o) => [o.name, {
        type: o.value ? 'string' as const : 'boolean' as const, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}),
      }])),
    });
    return { values: values as Parsed['values'], positionals, help: values.help === true, args };
  } catch (error) {
    const message = (error as Error).message;
    const option = /'(-[^' ]+)/.exec(message)?.[1];
    const code = (error as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${option ?? message}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(message.includes('argument missing') || message.includes('ambiguous') ? `${option ?? 'an option'} needs a value` : `${option ?? 'an option'} takes no value`);
    }
    throw new UsageError(message.split('\n')[0]!);
  }
}

/** `zipin <command> --help`: usage, what it does, every option with its default. */
export function commandHelp(spec: CommandSpec): string {
  const rows = [...spec.options, HELP].map((o) => {
    const left = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`;
    return [left, `${o.help}${o.multiple ? ' (repeatable)' : ''}${o.default !== undefined ? ` (default: ${o.default})` : ''}`] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  const lines = rows.map(([left, right]) => (left.length + 2 > width ? `  ${left}\n  ${' '.repeat(width)}${right}` : `  ${left.padEnd(width)}${right}`));
  return `Usage: zipin ${spec.name} ${spec.args ? `${spec.args} ` : ''}[options]\n\n${spec.summary}\n\n${spec.description}\n\nOptions:\n${lines.join('\n')}\n\n`
    + `Examples:\n${spec.examples.map((e) => `  ${e}`).join('\n')}\n\nMore: ${MANUAL[spec.name] ?? 'README.md'}\n`;
}
