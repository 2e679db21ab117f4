/** The trainable architectures' names (a module without TF.js: the CLI loads it to validate `--arch` at once). */
export const ARCHS = ["linear", "mlp-small", "mlp", "mlp-wide", "mlp-deep"] as const;
export type Arch = (typeof ARCHS)[number];
