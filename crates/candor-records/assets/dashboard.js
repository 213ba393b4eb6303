// The records dashboard: reads /dashboard/data with the bearer token and
// draws it with Chart.js (served by the service from its npm install).
"use strict";

const KEY = "candor-records-token";
const COLORS = { granted: "#2e7d32", refused: "#c62828", none: "#9e9e9e" };
const LABELS = { granted: "granted", refused: "refused", none: "never chose" };
const charts = [];
const $ = (id) => document.getElementById(id);

function token() {
  const m = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (m) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY);
}

function say(text) {
  $("status").textContent = text;
}

function showLogin(why) {
  $("login").hidden = false;
  $("charts").hidden = true;
  $("summary").textContent = "";
  if (why) $("login-why").textContent = why;
}

const pct = (n, total) => (total > 0 ? (100 * n) / total : null);

function shareChart(canvas, labels, groups, horizontal) {
  // groups: { granted: [counts], refused: [...], none: [...] }
  const totals = labels.map((_, i) => groups.granted[i] + groups.refused[i] + groups.none[i]);
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: ["granted", "refused", "none"].map((state) => ({
        label: LABELS[state],
        data: groups[state].map((n, i) => pct(n, totals[i])),
        counts: groups[state],
        backgroundColor: COLORS[state],
        borderWidth: 0,
        maxBarThickness: horizontal ? 28 : 40,
      })),
    },
    options: {
      indexAxis: horizontal ? "y" : "x",
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true, ...(horizontal ? { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } : {}) },
        y: { stacked: true, ...(horizontal ? {} : { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } }) },
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: (c) => {
              const n = c.dataset.counts[c.dataIndex];
              return `${c.dataset.label}: ${c.parsed[horizontal ? "x" : "y"].toFixed(1)}% (${n} of ${totals[c.dataIndex]})`;
            },
          },
        },
      },
    },
  });
}

function render(data) {
  for (const c of charts.splice(0)) c.destroy();
  $("login").hidden = true;
  $("charts").hidden = false;
  const inRange = data.receipts.reduce((a, b) => a + b, 0);
  $("summary").textContent =
    `${data.from} to ${data.to} (UTC): ${inRange.toLocaleString("en")} receipts in range, ` +
    `${data.stored.toLocaleString("en")} stored in all (${data.database}, kept ${data.retentionDays} days)`;
  say(inRange === 0 ? "No receipt was received in this range yet." : "");

  const withTitles = data.purposes.map((p) => `${p.title} (${p.id})`);
  charts.push(
    shareChart($("totals"), withTitles, {
      granted: data.purposes.map((p) => p.total.granted),
      refused: data.purposes.map((p) => p.total.refused),
      none: data.purposes.map((p) => p.total.none),
    }, true),
  );
  const visitorsTotal = data.purposes.length ? data.purposes[0].total : null;
  if (visitorsTotal) {
    const n = visitorsTotal.granted + visitorsTotal.refused + visitorsTotal.none;
    $("summary").textContent += `, ${n.toLocaleString("en")} visitors`;
  }

  charts.push(
    new Chart($("per-day"), {
      data: {
        labels: data.days,
        datasets: [
          { type: "bar", label: "receipts", data: data.receipts, backgroundColor: "#4a6fa5", order: 2 },
          { type: "line", label: "visitors", data: data.visitors, borderColor: "#e08e0b", backgroundColor: "#e08e0b", pointRadius: 2, order: 1 },
        ],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    }),
  );

  const grid = $("purposes");
  grid.replaceChildren();
  for (const p of data.purposes) {
    const card = document.createElement("section");
    card.className = "card";
    const h = document.createElement("h2");
    h.textContent = p.title;
    const note = document.createElement("p");
    note.className = "note";
    const t = p.total.granted + p.total.refused + p.total.none;
    note.textContent = `${p.id}: ${t ? Math.round((100 * p.total.granted) / t) : 0}% granted over the range`;
    const plot = document.createElement("div");
    plot.className = "plot";
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${p.title}: choices per day`);
    plot.append(canvas);
    card.append(h, note, plot);
    grid.append(card);
    charts.push(shareChart(canvas, data.days, { granted: p.granted, refused: p.refused, none: p.none }, false));
  }
}

async function load() {
  const t = token();
  if (!t) return showLogin();
  if (typeof Chart !== "function") {
    return say("The chart library did not load: run `npm ci` in crates/candor-records (`cargo xtask setup` does), then reload.");
  }
  say("Loading…");
  let r;
  try {
    r = await fetch(`/dashboard/data?days=${encodeURIComponent($("days").value)}`, {
      headers: { Authorization: `Bearer ${t}` },
      cache: "no-store",
    });
  } catch (e) {
    return say(`The service did not answer: ${e.message}`);
  }
  if (r.status === 401) {
    sessionStorage.removeItem(KEY);
    return showLogin("That token was refused: paste the one the service prints at start-up.");
  }
  if (!r.ok) return say(`The service answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
  render(await r.json());
  document.body.dataset.ready = "true";
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY, $("token").value.trim());
  $("token").value = "";
  load();
});
$("days").addEventListener("change", load);
load();
