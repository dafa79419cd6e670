// Jest setup for the js project: every decode in this run must use the js backend.
process.env.GOHEAP_BACKEND = 'js';
