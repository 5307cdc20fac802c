/**
 * The command line of one of our CLIs: its options, each with the line `--help` prints for it, parsed with
 * node:util's parseArgs. `--help` (or `-h`) prints the usage and exits 0; bad input is one line on stderr
 * naming the command, and exit 2.
 */
import { existsSync, statSync } from "node:fs";
import { parseArgs } from "node:util";

export interface OptionSpec {
  type: "string" | "boolean";
  /** How the value is written in the usage line, e.g. "N" or "NAME" (string options only). */
  value?: string;
  /** The option may be given more than once (string options only). */
  multiple?: boolean;
  help: string;
}

export interface CommandSpec {
  /** The npm script's name, e.g. "scenario". */
  name: string;
  /** What the positional arguments are, e.g. "FILE". */
  positionals: string;
  /** What the command does and what its exit codes mean, printed under the usage line. */
  about: string;
  options: Record<string, OptionSpec>;
}

export interface CommandLine {
  positionals: string[];
  /** A string option's value, if given (the last one, for an option given more than once). */
  text(name: string): string | undefined;
  /** Every value of an option that may be given more than once, in order. */
  texts(name: string): string[];
  /** Whether a boolean option was given. */
  flag(name: string): boolean;
  /** A string option read as a whole number >= min, if given; bad input otherwise. */
  wholeNumber(name: string, min: number): number | undefined;
  badInput(reason: string): never;
}

export function usageLine(spec: CommandSpec): string {
  const options = Object.entries(spec.options).map(([name, o]) => `[--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}]${o.multiple ? "..." : ""}`);
  return `usage: npm run -s ${spec.name} -- ${[spec.positionals, ...options].filter(Boolean).join(" ")}`;
}

export function helpText(spec: CommandSpec): string {
  const width = Math.max(...Object.entries(spec.options).map(([name, o]) => name.length + (o.value?.length ?? 0)), 4) + 4;
  const rows = Object.entries(spec.options).map(([name, o]) => `  --${`${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`.padEnd(width)}${o.help}`);
  return `${usageLine(spec)}\n\n${spec.about}\n\noptions:\n${rows.join("\n")}\n  --${"help".padEnd(width)}print this and exit\n`;
}

/** The parsed command line of `argv`; exits for --help (0) and for bad input (2). */
export function parseCommandLine(spec: CommandSpec, argv = process.argv.slice(2)): CommandLine {
  const badInput = (reason: string): never => {
    process.stderr.write(`${spec.name}: ${reason}\n`);
    process.exit(2);
  };
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(helpText(spec));
    process.exit(0);
  }
  const options = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false }]));
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options });
    const texts = (name: string) => [values[name]].flat().filter((v): v is string => typeof v === "string");
    const text = (name: string) => texts(name).at(-1);
    const wholeNumber = (name: string, min: number) => {
      const given = text(name);
      if (given === undefined) return undefined;
      const n = Number(given);
      return Number.isInteger(n) && n >= min ? n : badInput(`--${name} must be a whole number >= ${min}, got "${given}"`);
    };
    return { positionals, text, texts, flag: (name) => values[name] === true, wholeNumber, badInput };
  } catch (e) {
    return badInput(`${(e as Error).message}; --help lists the options`);
  }
}

/** The one FILE a command takes, checked to be a file. */
export function oneFile(line: CommandLine, spec: CommandSpec): string {
  if (line.positionals.length !== 1) line.badInput(usageLine(spec));
  const file = line.positionals[0]!;
  if (!existsSync(file) || !statSync(file).isFile()) line.badInput(`no such file: ${file}`);
  return file;
}
