/** Model evaluation: static checks, sandboxed TF.js inference, metrics and the on-chain score mapping. */
export { type BackendChoice, type BackendName, initBackend, nodeBackendInstalled } from "./backend.js";
export {
  checkModelFiles,
  estimateParams,
  isSafeRelativePath,
  type ModelFacts,
  ModelRejected,
  type RejectCode,
} from "./checks.js";
export {
  accuracy,
  evaluatePredictions,
  logLoss,
  MAX_SCORE,
  type MetricOutcome,
  meanSquaredError,
  scoreFromValue,
  variance,
} from "./metrics.js";
export {
  artifactsFromFiles,
  fileMapSaver,
  loadModelFromFiles,
  MODEL_JSON,
  saveModelToFiles,
  WEIGHTS_BIN,
} from "./modelio.js";
export { type EvalJob, EvalPool, type EvalPoolOptions } from "./pool.js";
export {
  DatasetMismatchError,
  DEFAULT_RESOURCE_LIMITS,
  type EvaluateOptions,
  EvalWorker,
  evaluateModel,
  type JobOutcome,
  sharedInputs,
  WorkerStartError,
} from "./sandbox.js";
