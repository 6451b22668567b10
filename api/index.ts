/** The API's public surface: the app factory, the server, the wiring. */
export { type AppDeps, createApp, MAX_BODY_BYTES } from './app.ts';
export { type Config, ConfigError, loadConfig, NODE_ROLE_VARIABLE } from './config.ts';
export { ApiError } from './errors.ts';
export { assertCanListen, ListenError } from './listen.ts';
export { openRuntime, type Runtime } from './runtime.ts';
export { type RunningServer, startServer } from './server.ts';
