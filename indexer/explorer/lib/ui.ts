/** Building blocks shared by the sections: panels, tables, amounts, links, countdowns. */
import { type Attrs, type Child, h, link } from "./dom.js";
import { flock, shortAddress } from "./format.js";

export function panel(title: string, attrs: Attrs | null, ...children: Child[]): HTMLElement {
  return h("section", { class: "panel", ...attrs }, h("h2", null, title), ...children);
}

/** A table that scrolls sideways on a narrow screen. `cols` ending in "#" are right-aligned numbers. */
export function table(cols: string[], rows: HTMLTableRowElement[], attrs: Attrs = {}, empty = "none"): HTMLElement {
  const head = h(
    "tr",
    null,
    cols.map((c) => h("th", c.endsWith("#") ? { class: "num", scope: "col" } : { scope: "col" }, c.replace(/#$/, ""))),
  );
  const body = rows.length ? rows : [h("tr", { class: "empty" }, h("td", { colspan: cols.length }, empty))];
  return h("div", { class: "table-wrap" }, h("table", attrs, h("thead", null, head), h("tbody", null, body)));
}

export function row(attrs: Attrs | null, ...cells: (HTMLTableCellElement | Child)[]): HTMLTableRowElement {
  return h(
    "tr",
    attrs,
    cells.map((c) => (c instanceof HTMLTableCellElement ? c : h("td", null, c))),
  );
}

/** A FLOCK amount cell: the readable figure, the exact base units in `data-wei` and the tooltip. */
export function amountCell(wei: string | bigint | null | undefined, attrs: Attrs = {}): HTMLTableCellElement {
  const exact = wei === null || wei === undefined ? "" : String(wei);
  return h(
    "td",
    { class: "num", "data-wei": exact, title: exact ? `${exact} base units` : undefined, ...attrs },
    flock(wei),
  );
}

export function numCell(text: Child, attrs: Attrs = {}): HTMLTableCellElement {
  return h("td", { class: "num", ...attrs }, text);
}

export function addressLink(address: string, label?: string): HTMLAnchorElement {
  const a = link(`/accounts/${address}`, label ?? shortAddress(address));
  a.title = address;
  a.classList.add("addr");
  return a;
}

export function card(label: string, value: Child, attrs: Attrs = {}): HTMLElement {
  return h(
    "div",
    { class: "card", ...attrs },
    h("div", { class: "card-label" }, label),
    h("div", { class: "card-value" }, value),
  );
}

export function cards(...items: HTMLElement[]): HTMLElement {
  return h("div", { class: "cards" }, items);
}

/** Time left until `deadline` (chain seconds), kept ticking by the page every second. */
export function countdown(deadline: number): HTMLElement {
  return h("span", { class: "countdown", "data-deadline": deadline }, "…");
}

export function badge(text: string, kind = ""): HTMLElement {
  return h("span", { class: `badge ${kind}`.trim() }, text);
}

export function notice(text: Child, kind: "info" | "error" = "info"): HTMLElement {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

/** A CID, shortened, with the full one in the tooltip. */
export function cid(value: string | null | undefined): Child {
  if (!value) return "–";
  return h("code", { title: value }, value.length > 24 ? `${value.slice(0, 12)}…${value.slice(-8)}` : value);
}
