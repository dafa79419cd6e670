import { backendStatus, selectBackend } from '../../decode/select';
import type { Args, Command, Io } from '../command';
import { toJson } from '../format';

export const doctor: Command = {
  name: 'doctor',
  usage: 'goheap doctor [--json]',
  summary: 'which decoder backend is in use and, for each one that is not, why',
  flags: ['--json'],
  async run(args: Args, io: Io): Promise<number> {
    const native = backendStatus('native');
    const wasm = backendStatus('wasm');
    let backend: string;
    let selectionError: string | null = null;
    try {
      backend = selectBackend().name;
    } catch (error) {
      backend = 'none';
      selectionError = (error as Error).message;
    }
    if (args.flags.has('--json')) {
      io.out(toJson({
        backend,
        requested: process.env.GOHEAP_BACKEND ?? 'auto',
        selectionError,
        native: { available: native.available, error: native.error },
        wasm: { available: wasm.available, error: wasm.error },
        js: { available: true, error: null },
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
      }));
      return selectionError === null ? 0 : 1;
    }
    io.out(`goheap decodes with the ${backend} backend`
      + (process.env.GOHEAP_BACKEND ? ` (GOHEAP_BACKEND=${process.env.GOHEAP_BACKEND})` : ' (auto: native, then wasm, then js)'));
    if (selectionError !== null) io.out(`error: ${selectionError}`);
    io.out(`  native: ${native.available ? 'available' : `not available: ${native.error}`}`);
    if (!native.available && !/npm rebuild/.test(native.error ?? '')) {
      io.out('          to retry the build: npm rebuild goheap (needs g++, make, python3 and the Node headers)');
    }
    io.out(`  wasm:   ${wasm.available ? 'available' : `not available: ${wasm.error}`}`);
    io.out('  js:     available (reference decoder, slowest)');
    io.out(`node ${process.version} on ${process.platform}-${process.arch}`);
    return selectionError === null ? 0 : 1;
  },
};
