// logrotate's convention: after moving the file away it sends SIGUSR1, and the writer reopens its
// path. One handler serves every file output of the process.
export interface Reopenable { reopen(): void }

export function onReopenSignal(targets: Reopenable[], signal: NodeJS.Signals = 'SIGUSR1'): () => void {
  const handler = () => { for (const t of targets) t.reopen(); };
  process.on(signal, handler);
  return () => process.off(signal, handler);
}
