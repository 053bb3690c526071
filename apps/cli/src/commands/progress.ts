/** A one-line progress bar on stderr with events per second, only on a terminal. */
export function createProgress(total: number, enabled: boolean) {
  const started = Date.now();
  let last = 0;
  return {
    update(done: number) {
      if (!enabled || Date.now() - last < 100) return;
      last = Date.now();
      const width = 30;
      const filled = total ? Math.round((done / total) * width) : 0;
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString()}/${total.toLocaleString()} events  ${Math.round(rate).toLocaleString()} ev/s `);
    },
    finish() {
      if (enabled) process.stderr.write('\r\x1b[K');
    },
    seconds: () => (Date.now() - started) / 1000,
  };
}
