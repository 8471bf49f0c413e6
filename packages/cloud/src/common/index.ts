// What every cloud service builds on: config loading, the Fastify app, the request context,
// the inter-service client, the database and the serve command.
export * from './errors.ts';
export * from './config.ts';
export * from './context.ts';
export * from './app.ts';
export * from './inter-service.ts';
export * from './database.ts';
export * from './serve.ts';
