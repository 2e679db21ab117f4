// The load generator of `npm run bench:gateway`, in its own process: autocannon replays pre-signed requests (read
// from the JSON file in argv[2]) against the gateway in argv[3] at argv[4] requests/s for argv[5] seconds, and
// reports, per kind of request, how many of each status came back — a 200 to anything but a paying caller's valid
// request is an unauthorised answer. Each request is also timed here per kind (from the moment autocannon builds it,
// just before it writes it, to its response): the goal is about the paying callers' requests, and the refused kinds
// cost differently (an unpaid request reads the chain).
const { readFileSync } = require("node:fs");
const autocannon = require("autocannon");

const [, , file, url, rate, seconds] = process.argv;
const plan = JSON.parse(readFileSync(file, "utf8"));
let next = 0;
const counts = {};
const times = {};
const instance = autocannon(
  {
    url,
    connections: 8,
    overallRate: Number(rate),
    duration: Number(seconds),
    requests: [
      {
        setupRequest(req, ctx) {
          const r = plan[next++ % plan.length];
          ctx.kind = r.kind;
          ctx.t0 = process.hrtime.bigint();
          return { ...req, method: "POST", path: r.path, headers: r.headers, body: r.body };
        },
        onResponse(status, _body, ctx) {
          if (!counts[ctx.kind]) counts[ctx.kind] = {};
          const c = counts[ctx.kind];
          c[status] = (c[status] ?? 0) + 1;
          if (ctx.t0 === undefined) return;
          if (!times[ctx.kind]) times[ctx.kind] = [];
          times[ctx.kind].push(Number(process.hrtime.bigint() - ctx.t0) / 1e6);
        },
      },
    ],
  },
  (err, result) => {
    if (err) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(
      `${JSON.stringify({
        sent: result.requests.sent,
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
        rps: result.requests.average,
        errors: result.errors,
        timeouts: result.timeouts,
        counts,
        byKind: Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, summary(xs)])),
      })}\n`,
    );
  },
);
autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });

function summary(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (p) => Number(s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2));
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: Number(s[s.length - 1].toFixed(2)) };
}
