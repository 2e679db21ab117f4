/**
 * A tiny DOM builder: `h("td", { class: "num" }, "12")`. Text is always set as text (never parsed as HTML), so data
 * from the index cannot inject markup. Attributes `on*` take listeners; `style` is not accepted (the page's
 * Content-Security-Policy forbids inline styles): use classes, or CSSOM (`el.style.x = …`) for computed sizes.
 */
export type Child = Node | string | number | bigint | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

const SVG_NS = "http://www.w3.org/2000/svg";

function append(parent: Element | DocumentFragment, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

function setAttrs(el: Element, attrs: Attrs | undefined): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "style") throw new Error("inline styles are not allowed (CSP): use a class");
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, "").toLowerCase(), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs ?? undefined);
  append(el, children);
  return el;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs ?? undefined);
  append(el, children);
  return el;
}

export function fragment(...children: Child[]): DocumentFragment {
  const f = document.createDocumentFragment();
  append(f, children);
  return f;
}

/** An in-page link handled by the router (a plain `<a href>` that also works when opened in a new tab). */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h("a", { href, "data-link": true }, ...children);
}
