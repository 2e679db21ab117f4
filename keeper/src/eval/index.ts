/** Model evaluation: static checks, sandboxed TF.js inference, metrics and the on-chain score mapping. */
export { initBackend, nodeBackendInstalled, type BackendChoice, type BackendName } from "./backend.js";
export { checkModelFiles, estimateParams, isSafeRelativePath, ModelRejected, type ModelFacts, type RejectCode } from "./checks.js";
export { accuracy, evaluatePredictions, logLoss, meanSquaredError, MAX_SCORE, scoreFromValue, variance, type MetricOutcome } from "./metrics.js";
export { artifactsFromFiles, fileMapSaver, loadModelFromFiles, MODEL_JSON, saveModelToFiles, WEIGHTS_BIN } from "./modelio.js";
export { EvalPool, type EvalJob, type EvalPoolOptions } from "./pool.js";
export { DatasetMismatchError, DEFAULT_RESOURCE_LIMITS, EvalWorker, evaluateModel, sharedInputs, WorkerStartError, type EvaluateOptions, type JobOutcome } from "./sandbox.js";
