// Backend selection: GOHEAP_BACKEND or the `backend` option; `auto` takes native, then wasm,
// then js, and remembers why each faster one was passed over (`goheap doctor` shows it).

import { BackendUnavailableError } from '../errors';
import type { Backend, BackendName } from './backend';
import { jsBackend } from './js/decoder';

export type BackendChoice = BackendName | 'auto';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'native', 'wasm', 'js'];

export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why it cannot be used, or null. */
  error: string | null;
}

type Loader = () => { backend: Backend | null; error: string | null };

/** Loads a backend module lazily, so a broken one cannot stop goheap from starting. */
function loaderOf(module: string, exportName: string): Loader {
  let loaded: { backend: Backend | null; error: string | null } | null = null;
  return () => {
    if (loaded !== null) return loaded;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const load = require(module)[exportName] as Loader;
      loaded = load();
    } catch (error) {
      loaded = { backend: null, error: `cannot load ${module}: ${(error as Error).message.split('\n')[0]}` };
    }
    return loaded;
  };
}

const LOADERS: Record<BackendName, Loader> = {
  native: loaderOf('./native', 'loadNativeBackend'),
  wasm: loaderOf('./wasm', 'loadWasmBackend'),
  js: () => ({ backend: jsBackend, error: null }),
};

export function backendStatus(name: BackendName): BackendStatus {
  const { backend, error } = LOADERS[name]();
  return { name, available: backend !== null, error: backend !== null ? null : error };
}

export function parseBackendChoice(value: string | undefined, where: string): BackendChoice {
  if (value === undefined || value === '') return 'auto';
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new BackendUnavailableError(`${where} must be one of ${BACKEND_CHOICES.join(', ')}, not "${value}"`);
}

/**
 * The backend to decode with: the option if given, else GOHEAP_BACKEND, else auto. A backend
 * asked for by name that cannot load is an error, never a silent fallback.
 */
export function selectBackend(option?: BackendChoice): Backend {
  const choice = option ?? parseBackendChoice(process.env.GOHEAP_BACKEND, 'GOHEAP_BACKEND');
  if (choice !== 'auto') {
    const { backend, error } = LOADERS[choice]();
    if (backend === null) {
      throw new BackendUnavailableError(`the ${choice} backend was requested but cannot be used: ${error}`);
    }
    return backend;
  }
  for (const name of ['native', 'wasm'] as const) {
    const { backend } = LOADERS[name]();
    if (backend !== null) return backend;
  }
  return jsBackend;
}
