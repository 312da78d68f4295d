// The one logger shape every part of hikkoshi writes to. A pino logger fits it (src/observability/logger.ts
// makes the production one); tests pass pino at level silent or a recorder.

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** A logger that adds `bindings` to every line (pino's `child`); optional so a recorder can skip it. */
  child?(bindings: object): Logger;
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
