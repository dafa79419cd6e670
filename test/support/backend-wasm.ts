// Jest setup for the wasm project: every decode in this run must use the wasm backend.
process.env.GOHEAP_BACKEND = 'wasm';
