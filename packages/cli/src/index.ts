// @baton/cli has no library surface; the command is bin/baton.js → src/main.ts.
export {};
