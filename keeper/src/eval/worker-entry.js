// Entry of an evaluation worker thread. Workers do not inherit vitest's or every caller's TypeScript
// loader, so register tsx in this thread, then load the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
