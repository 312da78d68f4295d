// Test processes run as children, so that a test can SIGKILL them: a TypeScript file under tsx, its
// options as one JSON argument, stdout piped so the parent sees its ready line.

import { type ChildProcess, spawn } from "node:child_process";

export interface TsxChild {
  child: ChildProcess;
  /** Resolves with the match of the ready line; rejects if the child exits or times out first. */
  ready: Promise<RegExpExecArray>;
}

export function startTsxChild(
  script: string,
  options: object,
  opts: {
    /** What the child prints on stdout once it is ready. */
    readyLine: RegExp;
    /** Names the child in the errors. */
    what: string;
    timeoutMs: number;
    env?: NodeJS.ProcessEnv;
    /** Every chunk of stdout, for a test that keeps the child's log. */
    onStdout?: (text: string) => void;
  },
): TsxChild {
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(options)], {
    stdio: ["ignore", "pipe", "inherit"],
    ...(opts.env ? { env: opts.env } : {}),
  });
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${opts.what} did not start within ${opts.timeoutMs / 1000} s`)),
      opts.timeoutMs,
    );
    // Until the ready line: what came so far (a line may arrive in two chunks); undefined after it.
    let out: string | undefined = "";
    child.stdout?.on("data", (b: Buffer) => {
      const text = b.toString();
      opts.onStdout?.(text);
      if (out === undefined) return;
      out += text;
      const m = opts.readyLine.exec(out);
      if (m) {
        out = undefined;
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once("exit", (code) => reject(new Error(`${opts.what} exited early (${code})`)));
  });
  return { child, ready };
}
