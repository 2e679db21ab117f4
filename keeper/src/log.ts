/** Structured logs (pino). Pretty single-line output on a terminal is left to `pino-pretty` if the user pipes to it. */
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(level: string, name = "flock"): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: true }));
}
