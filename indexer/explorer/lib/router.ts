/** Path patterns ("/tasks/:id") → matches with decoded parameters. */
import type { Route } from "./types.js";

export interface Match {
  route: Route;
  params: Record<string, string>;
}

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

export function compile(routes: Route[]): (path: string) => Match | undefined {
  const compiled: Compiled[] = routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path
      .split("/")
      .map((part) => {
        if (part.startsWith(":")) {
          names.push(part.slice(1));
          return "([^/]+)";
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    return { route, regex: new RegExp(`^${pattern}/?$`), names };
  });
  return (path) => {
    for (const c of compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { route: c.route, params };
    }
    return undefined;
  };
}
