// Ctrl-C during a headless run still tears the world down: no redis-server or worker process outlives it.
export function closeOnSignal(close: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    void close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
