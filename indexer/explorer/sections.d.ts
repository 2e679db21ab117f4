/** The sections of the Explorer, gathered by the build from `sections/*.ts` in file-name order (`tools/build-explorer.ts`). */
declare module "flock:sections" {
  export const sections: import("./lib/types.js").Section[];
}
