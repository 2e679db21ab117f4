/** Progress bars for a person at a terminal; structured log lines otherwise. */
import cliProgress from "cli-progress";
import type { Logger } from "../log.js";
import type { Progress } from "../types.js";

export function createProgress(log: Logger, tty = Boolean(process.stderr.isTTY)): Progress {
  return {
    start(label, total) {
      if (!tty) {
        let n = 0;
        log.info({ total }, `${label}: started`);
        return {
          increment: () => void (++n === total && log.info({ total }, `${label}: done`)),
          stop: () => undefined,
        };
      }
      const bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {value}/{total} {eta_formatted}`,
          stream: process.stderr,
          clearOnComplete: false,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
      return { increment: () => bar.increment(), stop: () => bar.stop() };
    },
  };
}
