/**
 * The task spec (SPEC §5): a JSON document pinned to IPFS next to the task's data. It says what a model must
 * take and produce, how it is scored, and the limits a validator enforces before and during evaluation.
 */
import { z } from "zod";

const uint16Score = z.number().int().min(0).max(10000);
const positiveInt = z.number().int().positive();

const classesOutput = z.object({
  type: z.literal("classes"),
  /** number of classes K ≥ 2; the model outputs K probabilities per example */
  classes: z.number().int().min(2).max(100000),
});
const regressionOutput = z.object({
  /** one float per example; the model outputs shape [n, 1] */
  type: z.literal("regression"),
});

export const taskSpecSchema = z
  .object({
    version: z.literal(1),
    name: z.string().min(1).max(200),
    description: z.string().max(10000),
    /** per-example input shape, without the batch dimension (MNIST: [28, 28, 1]) */
    input: z.object({ shape: z.array(positiveInt).min(1).max(8) }),
    output: z.discriminatedUnion("type", [classesOutput, regressionOutput]),
    metric: z.enum(["accuracy", "log_loss", "mse"]),
    /** CID of the training data (optional: a task may ship its data out of band) */
    trainingDataCid: z.string().min(1).optional(),
    /** a model scoring below this earns nothing */
    minScore: uint16Score,
    /** a model scoring below this is spam and its submitter is penalised; spamScore ≤ minScore */
    spamScore: uint16Score,
    /** total bytes of the model directory (model.json + weight shards) */
    maxModelBytes: positiveInt,
    /** total number of weight values declared by the model */
    maxParams: positiveInt,
    /** wall-clock budget for loading + evaluating one model */
    evalTimeoutMs: positiveInt,
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.spamScore > spec.minScore) {
      ctx.addIssue({ code: "custom", path: ["spamScore"], message: `must be ≤ minScore (${spec.minScore})` });
    }
    const classification = spec.output.type === "classes";
    if (classification && spec.metric === "mse") {
      ctx.addIssue({ code: "custom", path: ["metric"], message: "mse needs a regression output" });
    }
    if (!classification && spec.metric !== "mse") {
      ctx.addIssue({ code: "custom", path: ["metric"], message: `${spec.metric} needs a classes output` });
    }
  });

export type TaskSpec = z.infer<typeof taskSpecSchema>;

/** Thrown by parseSpec; `issues` lists every bad field as "path: message". */
export class InvalidSpecError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid task spec:\n  - ${issues.join("\n  - ")}`);
    this.name = "InvalidSpecError";
  }
}

/** Validates an already-parsed JSON value (or a JSON string) as a task spec. */
export function parseSpec(json: unknown): TaskSpec {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw new InvalidSpecError([`(root): not JSON: ${(err as Error).message}`]);
    }
  }
  const result = taskSpecSchema.safeParse(value);
  if (!result.success) {
    throw new InvalidSpecError(
      result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`),
    );
  }
  return result.data;
}

/** Number of model outputs per example: K for classification, 1 for regression. */
export function outputUnits(spec: TaskSpec): number {
  return spec.output.type === "classes" ? spec.output.classes : 1;
}
