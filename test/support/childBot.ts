import type { ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTsxChild } from "./tsxChild.js";

const here = dirname(fileURLToPath(import.meta.url));

export interface ChildBot {
  child: ChildProcess;
  /** The replica's lease owner name (also in the metadata of every live message it draws). */
  owner: string;
}

/** Starts test/support/botProcess.ts under tsx and resolves once the bot listens. */
export async function startChildBot(options: object): Promise<ChildBot> {
  const { child, ready } = startTsxChild(join(here, "botProcess.ts"), options, {
    readyLine: /ready (\S+)/,
    what: "child bot",
    timeoutMs: 60_000,
  });
  const owner = (await ready)[1]!;
  return { child, owner };
}
