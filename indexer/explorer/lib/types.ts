/**
 * What a section of the Explorer is. A section is one file in `sections/`, default-exporting a `Section`; the build
 * collects every file there (in file-name order) into the page's navigation and router — adding a stage's section
 * (FL Alliances, Marketplace, Governance) is adding a file.
 */
import type { IndexStatus } from "./api.js";

export interface PageContext {
  /** the route's `:name` parameters, decoded */
  params: Record<string, string>;
  /** the latest indexed block the page is rendered for */
  status: IndexStatus;
  /** chain time now (seconds): the indexed block's timestamp plus the wall time since it was seen */
  chainNow(): number;
  /** aborted when the page is left or re-rendered for a newer block */
  signal: AbortSignal;
}

export interface Rendered {
  /** the document title (the Explorer adds " · FLock Explorer") */
  title: string;
  body: Node;
}

export interface Route {
  /** e.g. "/tasks/:id" */
  path: string;
  /**
   * Builds the page from the public endpoints. Called again for every newly indexed block while the page is shown;
   * the result replaces the previous one in place (no reload).
   */
  render(ctx: PageContext): Promise<Rendered>;
}

export interface Section {
  /** a stable id, e.g. "arena" */
  id: string;
  /** the section's name in the navigation and on the overview */
  title: string;
  /** links in the top navigation */
  nav: { label: string; path: string }[];
  routes: Route[];
  /** an optional panel on the overview page (`/`) */
  overview?(ctx: PageContext): Promise<Node>;
}
