export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr(`halyard: not implemented yet (${argv.join(' ')})\n`);
  return 1;
}
