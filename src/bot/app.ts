// The Slack surface: Bolt with an HTTP receiver at POST /slack/events (signing secret, 5-minute replay
// window), or Socket Mode when an app token is given. Listeners ack first; the live messages are driven
// by the engine's events and caught up at start-up.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from "@slack/bolt";
import type { HikkoshiConfig } from "../config/schema.js";
import type { MigrationCommands } from "../migration/commands.js";
import type { OpsEndpoints } from "../observability/opsHttp.js";
import { createAckGate } from "./ackGate.js";
import { registerApproveAction } from "./actions/approve.js";
import { registerRetryAction } from "./actions/retry.js";
import { registerRollbackAction } from "./actions/rollback.js";
import { ACTION_APPROVE, ACTION_RETRY, ACTION_ROLLBACK } from "./actions/value.js";
import { MIGRATE_COMMAND, registerMigrateCommand } from "./commands/index.js";
import type { BotDeps } from "./context.js";
import { createRecentKeys } from "./dedupe.js";
import { createFrontDoor, hardenServer } from "./http/frontDoor.js";
import { MAX_BODY_BYTES, MAX_HEADER_BYTES } from "./http/limits.js";
import {
  type Clock,
  createLiveMessages,
  type LiveMessages,
  type LiveStore,
  realClock,
} from "./live/index.js";
import { errorText, type Logger, silentLogger, toBoltLogger } from "./log.js";
import { createGroupDirectory } from "./permissions.js";
import { createSlackApi, createWebClient } from "./slackApi.js";
import { createViewCache } from "./viewCache.js";

export { fromTheFuture } from "./http/frontDoor.js";

export const EVENTS_PATH = "/slack/events";

/** Without the ops wiring (tests, a bare bot): `/healthz`, and a `/readyz` with no probes. */
const BARE_OPS: OpsEndpoints = { readiness: {} };

export interface SlackBotOptions {
  config: HikkoshiConfig;
  commands: MigrationCommands;
  /** The bot's own Slack bookkeeping (message refs, thread cursor, leases), e.g. `engine.store.liveStore()`. */
  liveStore: LiveStore;
  signingSecret: string;
  botToken: string;
  /** `xapp-...`: use Socket Mode instead of the HTTP receiver. */
  appToken?: string;
  /** Web API base URL (`SLACK_API_URL`), e.g. GovSlack or a test host; must end in `/api/`. */
  slackApiUrl?: string;
  /** HTTP port (0 = any free port). Default 3000. */
  port?: number;
  /** HTTP listen address; default all interfaces. */
  host?: string;
  logger?: Logger;
  /** Minimum time between two updates of one live message (default 1000 ms). */
  minUpdateIntervalMs?: number;
  /** How long user-group memberships are cached (default 60 s). */
  groupCacheMs?: number;
  clock?: Clock;
  /** `/healthz`, `/readyz`, `/metrics` on the Slack port (wired in src/app/startHikkoshi.ts). */
  ops?: OpsEndpoints;
}

export interface SlackBot {
  app: App;
  live: LiveMessages;
  /** Verifies the bot token (auth.test), listens, subscribes to the engine and catches up live messages. */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

export function createSlackBot(opts: SlackBotOptions): SlackBot {
  const log = opts.logger ?? silentLogger;
  const clock = opts.clock ?? realClock;
  const boltLogger = toBoltLogger(log);
  const clientOptions = opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {};

  let receiver: Receiver;
  let http: HTTPReceiver | undefined;
  let socket: SocketModeReceiver | undefined;
  if (opts.appToken) {
    socket = new SocketModeReceiver({
      appToken: opts.appToken,
      logger: boltLogger,
      installerOptions: { clientOptions },
    });
    receiver = socket;
    // Socket Mode connections are known to drop silently; say so loudly when it happens.
    socket.client.on("connected", () => log.info({ receiver: "socket-mode" }, "socket mode connected"));
    socket.client.on("reconnecting", () =>
      log.warn({ receiver: "socket-mode" }, "socket mode connection lost; reconnecting"),
    );
    socket.client.on("disconnected", () =>
      log.error({ receiver: "socket-mode" }, "socket mode disconnected"),
    );
  } else {
    http = new HTTPReceiver({
      signingSecret: opts.signingSecret,
      endpoints: EVENTS_PATH,
      logger: boltLogger,
      // The ack is the HTTP response; work after it never delays it.
      processBeforeResponse: false,
      // Only the front door reaches this receiver, and it has verified the signature already: once is enough.
      signatureVerification: false,
      unhandledRequestTimeoutMillis: 2900,
      bodyLimit: MAX_BODY_BYTES,
      // Reached only by requests the front door let through; an error there is ours, never the sender's.
      processEventErrorHandler: async ({ error, response }) => {
        log.error({ err: errorText(error) }, "Bolt could not process a verified request");
        if (!response.headersSent) {
          response.writeHead(400);
          response.end();
        }
        return false;
      },
    });
    receiver = http;
  }

  const app = new App({
    token: opts.botToken,
    receiver,
    clientOptions,
    logger: boltLogger,
    deferInitialization: true,
    ignoreSelf: false,
  });

  // Work after an ack steps aside for the acks still to be sent (the HTTP front door counts them).
  const gate = createAckGate();
  const web = createWebClient(opts.botToken, opts.slackApiUrl);
  const api = createSlackApi(web);
  const live = createLiveMessages({
    commands: opts.commands,
    store: opts.liveStore,
    config: opts.config,
    api,
    clock,
    ...(opts.minUpdateIntervalMs !== undefined ? { minIntervalMs: opts.minUpdateIntervalMs } : {}),
    logger: log,
    beforeFlush: gate.afterAcks,
  });
  const groups = createGroupDirectory({
    fetch: (g) => api.usergroupMembers(g),
    ...(opts.groupCacheMs !== undefined ? { ttlMs: opts.groupCacheMs } : {}),
    now: () => clock.now(),
    onError: (g, err) => log.warn({ group: g, err: errorText(err) }, "could not read user-group members"),
  });
  // Status answers: from memory while no engine event says something changed, else one Redis read.
  const views = createViewCache(() => opts.commands.active());
  const deps: BotDeps = {
    config: opts.config,
    commands: opts.commands,
    groups,
    live,
    recent: createRecentKeys({
      now: () => clock.now(),
      shared: (key, ttlSeconds) => opts.liveStore.claimRequestOnce(key, ttlSeconds),
    }),
    log,
    now: () => clock.now(),
    activeViews: () => views.read(),
    afterAcks: gate.afterAcks,
    afterAck: (work) => gate.afterAck(work),
  };
  registerMigrateCommand(app, deps);
  registerApproveAction(app, deps);
  registerRollbackAction(app, deps);
  registerRetryAction(app, deps);
  app.error(async (err) => {
    log.error({ err: errorText(err) }, "unhandled error in a Slack listener");
  });

  let unsubscribe: (() => Promise<void>) | undefined;
  let server: Server | undefined;

  const listen = async (receiver: HTTPReceiver): Promise<number> => {
    const handler = createFrontDoor({
      eventsPath: EVENTS_PATH,
      bolt: receiver.requestListener,
      signingSecret: opts.signingSecret,
      ops: opts.ops ?? BARE_OPS,
      ours: { commands: [MIGRATE_COMMAND], actionIds: [ACTION_APPROVE, ACTION_ROLLBACK, ACTION_RETRY] },
      log,
      gate,
    });
    server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, handler);
    const srv = server;
    hardenServer(srv, log, handler);
    await new Promise<void>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(opts.port ?? 3000, opts.host, () => resolve());
    });
    srv.on("error", (err) => log.error({ err: errorText(err) }, "the bot's HTTP server failed"));
    return (srv.address() as AddressInfo).port;
  };

  return {
    app,
    live,
    async start() {
      await app.init();
      unsubscribe = await opts.commands.subscribe((event) => {
        views.changed();
        live.notify(event.migrationId);
      });
      views.watching(true);
      let port = 0;
      if (http) {
        port = await listen(http);
        log.info({ port, path: EVENTS_PATH }, "slack HTTP receiver listening");
      } else {
        await app.start();
        log.info({ receiver: "socket-mode" }, "slack socket mode started");
      }
      // Active migrations, and finished ones whose message was left behind their record.
      const caught = await live.catchUp();
      log.info(caught, "live messages caught up");
      return { port };
    },
    async stop() {
      views.watching(false);
      if (unsubscribe) await unsubscribe();
      unsubscribe = undefined;
      await live.stop();
      if (server) {
        const srv = server;
        server = undefined;
        srv.closeAllConnections();
        await new Promise<void>((resolve) => srv.close(() => resolve()));
      } else if (socket) await app.stop().catch(() => {});
    },
  };
}
