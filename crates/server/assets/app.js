// assay web UI: live progress of a running evaluation over Server-Sent Events. The page
// works without this script (reload to refresh); with it, counters, the bar, rate and ETA
// update as results arrive and new results are appended to the list.
"use strict";

(function () {
  const section = document.getElementById("progress");
  if (!section) return;
  const id = section.dataset.evaluation;
  const state = section.dataset.state;
  if (state !== "pending" && state !== "running") return;

  const field = (name) => section.querySelector('[data-field="' + name + '"]');
  const count = (name) => section.querySelector('[data-count="' + name + '"]');
  const bar = document.getElementById("progress-bar");
  const rows = document.querySelector('#result-rows tbody[data-live="append"]');
  const opened = Date.now();
  let doneAtOpen = null;

  const percent = (passed, failed) => (passed + failed > 0 ? Math.round((100 * passed) / (passed + failed)) + "%" : "–");
  const text = (node, value) => { if (node) node.textContent = value; };

  function progress(data) {
    text(count("done"), data.done + " / " + data.total);
    for (const name of ["passed", "failed", "errored", "unscorable"]) text(count(name), String(data[name]));
    text(field("score"), percent(data.passed, data.failed));
    text(field("state"), data.state);
    if (bar) { bar.max = Math.max(1, data.total); bar.value = data.done; }
    if (doneAtOpen === null) doneAtOpen = data.done;
    // The rate since the evaluation started when the server says when; else since this page opened.
    const elapsed = data.started_at ? Math.max(1, data.now - data.started_at) : Math.max(1, (Date.now() - opened) / 1000);
    const done = data.started_at ? data.done : data.done - doneAtOpen;
    const rate = done / elapsed;
    text(field("rate"), rate.toFixed(1));
    const left = data.total - data.done;
    text(field("eta"), left <= 0 ? "done" : rate > 0 ? Math.ceil(left / rate) + " s" : "–");
  }

  function appendResult(data) {
    if (!rows) return;
    const empty = document.getElementById("no-results");
    if (empty) empty.remove();
    const row = document.createElement("tr");
    const cells = [data.seq, data.probe_id, "", data.verdict, "", ""];
    cells.forEach((value, index) => {
      const cell = document.createElement("td");
      if (index === 0) {
        const link = document.createElement("a");
        link.href = "/ui/evaluations/" + id + "/results/" + data.seq;
        link.textContent = String(value);
        cell.appendChild(link);
      } else if (index === 3) {
        const span = document.createElement("span");
        span.className = { passed: "verdict-pass", failed: "verdict-fail", errored: "verdict-error" }[value] || "verdict-unscorable";
        span.textContent = value === "errored" ? "error" : value;
        cell.appendChild(span);
      } else {
        cell.textContent = String(value);
      }
      row.appendChild(cell);
    });
    rows.appendChild(row);
  }

  const source = new EventSource("/ui/evaluations/" + id + "/events?after=" + encodeURIComponent(section.dataset.lastEvent || "0"));
  source.addEventListener("progress", (event) => progress(JSON.parse(event.data)));
  source.addEventListener("result", (event) => appendResult(JSON.parse(event.data)));
  source.addEventListener("end", (event) => {
    source.close();
    const data = JSON.parse(event.data || "{}");
    if (data.state) { text(field("state"), data.state); section.dataset.state = data.state; }
    text(field("eta"), "done");
    section.dataset.finished = "true";
  });
})();
