/**
 * Pictures, hand-made in SVG and HTML (no chart library, nothing fetched): a flow chart (sources → a middle node →
 * sinks, band widths proportional to amounts), a window timeline, and a score scatter. Colours come from CSS classes,
 * so the pictures follow the page's light/dark theme. Each returns a labelled element (readable without the picture).
 */
import { type Child, h, svg } from "./dom.js";

export interface FlowItem {
  label: string;
  /** proportion (a plain number) */
  value: number;
  /** the amount as people read it */
  text: string;
  /** CSS class giving the colour, e.g. "f-pool" */
  cls: string;
}

const W = 640;

/** Sources flow into `middle`, which splits into sinks: a three-column Sankey. Zero items are left out. */
export function flowChart(sources: FlowItem[], middle: string, sinks: FlowItem[], label: string): HTMLElement {
  const ins = sources.filter((s) => s.value > 0);
  const outs = sinks.filter((s) => s.value > 0);
  const total = Math.max(
    ins.reduce((a, s) => a + s.value, 0),
    outs.reduce((a, s) => a + s.value, 0),
  );
  const H = 200;
  const gap = 10;
  const node = 14;
  const usable = (n: number) => H - gap * Math.max(0, n - 1);
  const scaleIn = total > 0 ? usable(ins.length) / total : 0;
  const scaleOut = total > 0 ? usable(outs.length) / total : 0;
  const scaleMid = total > 0 ? H / total : 0;
  const mx = W / 2 - node / 2;
  const parts: Child[] = [];
  const band = (x0: number, y0: number, x1: number, y1: number, h0: number, h1: number, cls: string) => {
    const c = (x0 + x1) / 2;
    const d = `M${x0},${y0} C${c},${y0} ${c},${y1} ${x1},${y1} L${x1},${y1 + h1} C${c},${y1 + h1} ${c},${y0 + h0} ${x0},${y0 + h0} Z`;
    parts.push(svg("path", { d, class: `band ${cls}` }));
  };
  let y = 0;
  let ym = 0;
  for (const s of ins) {
    const hgt = Math.max(1, s.value * scaleIn);
    const hm = s.value * scaleMid;
    band(node, y, mx, ym, hgt, hm, s.cls);
    parts.push(
      svg(
        "rect",
        { x: 0, y, width: node, height: hgt, class: `node ${s.cls}` },
        svg("title", null, `${s.label}: ${s.text}`),
      ),
    );
    y += hgt + gap;
    ym += hm;
  }
  parts.push(svg("rect", { x: mx, y: 0, width: node, height: H, class: "node f-middle" }, svg("title", null, middle)));
  y = 0;
  ym = 0;
  for (const s of outs) {
    const hgt = Math.max(1, s.value * scaleOut);
    const hm = s.value * scaleMid;
    band(mx + node, ym, W - node, y, hm, hgt, s.cls);
    parts.push(
      svg(
        "rect",
        { x: W - node, y, width: node, height: hgt, class: `node ${s.cls}` },
        svg("title", null, `${s.label}: ${s.text}`),
      ),
    );
    y += hgt + gap;
    ym += hm;
  }
  const legend = (items: FlowItem[]) =>
    h(
      "ul",
      { class: "legend" },
      items.map((s) =>
        h("li", null, h("span", { class: `swatch ${s.cls}` }), h("span", null, s.label), h("b", null, s.text)),
      ),
    );
  return h(
    "figure",
    { class: "flow", "data-testid": "money-flow" },
    svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, preserveAspectRatio: "none" }, parts),
    h("div", { class: "flow-legend" }, legend(ins), h("div", { class: "flow-middle" }, middle), legend(outs)),
  );
}

export interface Windows {
  submissionStart: number;
  submissionEnd: number;
  publishEnd: number;
  commitEnd: number;
  revealEnd: number;
}

/** The four windows of a task as a bar, with a marker at `now` (chain time). */
export function windowsTimeline(w: Windows, now: number): HTMLElement {
  const segments: [string, number, number][] = [
    ["Submission", w.submissionStart, w.submissionEnd],
    ["Publish", w.submissionEnd, w.publishEnd],
    ["Commit", w.publishEnd, w.commitEnd],
    ["Reveal", w.commitEnd, w.revealEnd],
  ];
  const span = Math.max(1, w.revealEnd - w.submissionStart);
  const bar = h("div", { class: "timeline-bar" });
  for (const [name, a, b] of segments) {
    const seg = h(
      "div",
      { class: `seg${now >= a && now < b ? " current" : ""}`, title: `${name}: ${b - a} s` },
      h("span", null, name),
    );
    seg.style.flexGrow = String(Math.max(1, b - a));
    bar.appendChild(seg);
  }
  const marker = h("div", { class: "now", title: "now (chain time)" });
  marker.style.left = `${Math.min(100, Math.max(0, ((now - w.submissionStart) / span) * 100))}%`;
  bar.appendChild(marker);
  return h("div", { class: "timeline", role: "img", "aria-label": "the task's windows and now" }, bar);
}

export interface ScoreSeries {
  label: string;
  /** score per x position (null: none) */
  values: (number | null)[];
}

/**
 * Scores in [0, 10000] per submission (x: submissions in leaderboard order): one dot per validator, a bar for the
 * consensus. Shows at a glance which validator strays.
 */
export function scoresChart(xLabels: string[], consensus: (number | null)[], series: ScoreSeries[]): HTMLElement {
  // drawn at about the size it is shown, so its text stays readable from a phone to a desktop
  const W = Math.round(Math.min(760, Math.max(300, (globalThis.innerWidth || 640) - 80)));
  const H = 220;
  const padL = 36;
  const padB = 22;
  const plotW = W - padL - 8;
  const plotH = H - padB - 8;
  const n = Math.max(1, xLabels.length);
  const x = (i: number) => padL + ((i + 0.5) * plotW) / n;
  const y = (v: number) => 8 + plotH - (v / 10000) * plotH;
  const parts: Child[] = [];
  for (const g of [0, 2500, 5000, 7500, 10000]) {
    parts.push(svg("line", { x1: padL, x2: W - 8, y1: y(g), y2: y(g), class: "grid" }));
    parts.push(svg("text", { x: padL - 4, y: y(g) + 4, class: "axis", "text-anchor": "end" }, String(g / 100)));
  }
  const step = Math.max(1, Math.ceil(n / 16));
  xLabels.forEach((l, i) => {
    if (i % step === 0) parts.push(svg("text", { x: x(i), y: H - 6, class: "axis", "text-anchor": "middle" }, l));
  });
  const half = Math.min(14, plotW / n / 2.5);
  consensus.forEach((c, i) => {
    if (c !== null)
      parts.push(svg("line", { x1: x(i) - half, x2: x(i) + half, y1: y(c), y2: y(c), class: "consensus" }));
  });
  series.forEach((s, k) => {
    s.values.forEach((v, i) => {
      if (v === null) return;
      const dx = ((k - (series.length - 1) / 2) * half) / Math.max(1, series.length);
      parts.push(
        svg(
          "circle",
          { cx: x(i) + dx, cy: y(v), r: 3.5, class: `dot c${k % 8}` },
          svg("title", null, `${s.label}: ${v / 100}`),
        ),
      );
    });
  });
  return h(
    "figure",
    { class: "scores-chart" },
    svg(
      "svg",
      { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "each validator's scores against the consensus" },
      parts,
    ),
    h(
      "ul",
      { class: "legend" },
      h("li", null, h("span", { class: "swatch consensus-swatch" }), h("span", null, "consensus")),
      series.map((s, k) => h("li", null, h("span", { class: `swatch c${k % 8}` }), h("span", null, s.label))),
    ),
  );
}

/**
 * A line over rounds: values in [0, 10000] (bps) per x label, `null` where there is none (the line breaks there).
 * Each point carries a tooltip; marked points (e.g. rounds whose candidate was rejected) are drawn hollow.
 */
export function lineChart(
  xLabels: string[],
  values: (number | null)[],
  label: string,
  marked: boolean[] = [],
): HTMLElement {
  const W = Math.round(Math.min(760, Math.max(300, (globalThis.innerWidth || 640) - 80)));
  const H = 200;
  const padL = 36;
  const padB = 22;
  const plotW = W - padL - 12;
  const plotH = H - padB - 8;
  const n = Math.max(1, xLabels.length);
  const x = (i: number) => padL + ((i + 0.5) * plotW) / n;
  const y = (v: number) => 8 + plotH - (v / 10000) * plotH;
  const parts: Child[] = [];
  for (const g of [0, 2500, 5000, 7500, 10000]) {
    parts.push(svg("line", { x1: padL, x2: W - 12, y1: y(g), y2: y(g), class: "grid" }));
    parts.push(svg("text", { x: padL - 4, y: y(g) + 4, class: "axis", "text-anchor": "end" }, String(g / 100)));
  }
  const step = Math.max(1, Math.ceil(n / 16));
  xLabels.forEach((l, i) => {
    if (i % step === 0) parts.push(svg("text", { x: x(i), y: H - 6, class: "axis", "text-anchor": "middle" }, l));
  });
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    pen = true;
  });
  if (d) parts.push(svg("path", { d: d.trim(), class: "line" }));
  values.forEach((v, i) => {
    if (v === null) return;
    parts.push(
      svg(
        "circle",
        { cx: x(i), cy: y(v), r: 4, class: marked[i] ? "point hollow" : "point" },
        svg("title", null, `${xLabels[i]}: ${v / 100}%`),
      ),
    );
  });
  return h(
    "figure",
    { class: "line-chart" },
    svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label }, parts),
    h("figcaption", { class: "muted small" }, label),
  );
}
