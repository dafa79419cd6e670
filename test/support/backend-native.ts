// Jest setup for the native project: every decode in this run must use the native backend.
process.env.GOHEAP_BACKEND = 'native';
