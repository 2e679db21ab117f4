/**
 * Picks the fastest TF.js backend available in this process: the native `tfjs-node` when it can be imported
 * (optional, it cannot install everywhere), else WASM (its .wasm files ship inside the npm package), else the
 * pure-JS `cpu` backend. Call once per process / worker thread.
 */
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";

export type BackendName = "tensorflow" | "wasm" | "cpu";
export type BackendChoice = "auto" | "node" | "wasm" | "cpu";

const require = createRequire(import.meta.url);

/** Runs `fn` and removes every uncaughtException / unhandledRejection listener it added (the wasm backend's
 *  emscripten glue installs process-wide handlers that re-throw, which would turn any stray error fatal). */
async function withoutNewProcessListeners<T>(fn: () => Promise<T>): Promise<T> {
  const exceptions = new Set(process.listeners("uncaughtException"));
  const rejections = new Set(process.listeners("unhandledRejection"));
  try {
    return await fn();
  } finally {
    for (const l of process.listeners("uncaughtException"))
      if (!exceptions.has(l)) process.removeListener("uncaughtException", l);
    for (const l of process.listeners("unhandledRejection"))
      if (!rejections.has(l)) process.removeListener("unhandledRejection", l);
  }
}

async function tryNode(): Promise<boolean> {
  try {
    // a variable specifier keeps TypeScript and bundlers from resolving the optional package
    const name = "@tensorflow/tfjs-node";
    await import(name);
    return await tf.setBackend("tensorflow");
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    return await withoutNewProcessListeners(async () => {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
      wasm.setWasmPaths(dist + path.sep);
      return await tf.setBackend("wasm");
    });
  } catch {
    return false;
  }
}

/** Initialises a backend and returns its name. `choice` forces one ("auto" = fastest available);
 *  a forced backend that cannot start is an error. */
export async function initBackend(choice: BackendChoice = "auto"): Promise<BackendName> {
  if (choice === "node" || choice === "auto") {
    if (await tryNode()) return "tensorflow";
    if (choice === "node")
      throw new Error("the tfjs-node backend is not available (@tensorflow/tfjs-node is not installed)");
  }
  if (choice === "wasm" || choice === "auto") {
    if (await tryWasm()) return "wasm";
    if (choice === "wasm") throw new Error("the wasm backend failed to initialise");
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("the cpu backend failed to initialise");
  await tf.ready();
  return "cpu";
}

/** Whether `@tensorflow/tfjs-node` resolves in this install (without loading it). */
export function nodeBackendInstalled(): boolean {
  try {
    require.resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}
