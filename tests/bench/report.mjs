// The benchmark's figures as a page a person can read: a table of every goal with pass/fail,
// then small charts (SVG, no scripts): the ready phases on a time line, the bytes by file,
// the fine-task speedups, wasm against plain JavaScript. Written to artifacts/bench.html.

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const fmt = (x, digits = 1) => (x === null || x === undefined ? 'n/a' : Number(x).toFixed(digits));

const BAR_H = 18; // px
const LABEL_W = 230; // px
const CHART_W = 420; // px

/** Horizontal bars, one per `[label, value, note]`, on one scale; an optional goal line. */
function bars(rows, { unit = '', goal = null, max = null } = {}) {
  const top = Math.max(max ?? 0, goal ?? 0, ...rows.map(([, v]) => v ?? 0)) || 1;
  const height = rows.length * (BAR_H + 6) + 8;
  const x = (v) => LABEL_W + (v / top) * CHART_W;
  const parts = rows.map(([label, value, note], i) => {
    const y = 4 + i * (BAR_H + 6);
    return `<text x="${LABEL_W - 8}" y="${y + 13}" text-anchor="end">${escape(label)}</text>` +
      `<rect x="${LABEL_W}" y="${y}" width="${Math.max(1, x(value ?? 0) - LABEL_W)}" height="${BAR_H}" class="bar"/>` +
      `<text x="${x(value ?? 0) + 6}" y="${y + 13}">${escape(`${fmt(value, value < 10 ? 2 : 1)} ${unit}${note ? ` ${note}` : ''}`)}</text>`;
  });
  if (goal !== null) {
    parts.push(`<line x1="${x(goal)}" x2="${x(goal)}" y1="0" y2="${height}" class="goal"/>` +
      `<text x="${x(goal) + 3}" y="${height - 2}" class="goal-label">goal ${goal} ${escape(unit)}</text>`);
  }
  return `<svg width="${LABEL_W + CHART_W + 160}" height="${height + 8}" role="img">${parts.join('')}</svg>`;
}

/** The ready phases on one time line from navigation (0 ms), one row each. */
function timeline(phases, readyMs, poolReadyMs) {
  const end = Math.max(poolReadyMs ?? 0, readyMs, ...phases.map((p) => p.startMs + p.ms)) * 1.05;
  const x = (t) => LABEL_W + (t / end) * CHART_W;
  const rows = phases.map((p, i) => {
    const y = 4 + i * (BAR_H + 6);
    return `<text x="${LABEL_W - 8}" y="${y + 13}" text-anchor="end">${escape(p.name)}</text>` +
      `<rect x="${x(p.startMs)}" y="${y}" width="${Math.max(1, x(p.startMs + p.ms) - x(p.startMs))}" height="${BAR_H}" class="bar"/>` +
      `<text x="${x(p.startMs + p.ms) + 6}" y="${y + 13}">${fmt(p.ms)} ms</text>`;
  });
  const height = phases.length * (BAR_H + 6) + 24;
  const marks = [[readyMs, 'ready'], [poolReadyMs, 'pool ready']].filter(([t]) => t).map(([t, label]) =>
    `<line x1="${x(t)}" x2="${x(t)}" y1="0" y2="${height - 14}" class="goal"/><text x="${x(t) + 3}" y="${height - 2}" class="goal-label">${label} ${fmt(t)} ms</text>`);
  return `<svg width="${LABEL_W + CHART_W + 160}" height="${height}" role="img">${rows.join('')}${marks.join('')}</svg>`;
}

export function htmlReport(report) {
  const m = report.measurements;
  const rows = Object.entries(m).map(([name, r]) => `<tr><td>${escape(name)}</td>` +
    `<td class="num">${r.value === null ? 'n/a' : escape(`${r.value} ${r.unit === 'fraction' ? '' : r.unit}`)}</td>` +
    `<td>${escape(r.goal === 'reported' ? 'reported' : `${r.goal} ${r.unit === 'fraction' ? '' : r.unit}`)}</td>` +
    `<td class="${r.pass === false ? 'missed' : 'pass'}">${r.pass === null ? 'not measured' : r.pass ? 'pass' : 'MISSED'}</td>` +
    `<td class="num">${fmt(report.otherProcessesCores?.[r.phase ?? name], 2)}</td></tr>`).join('');
  const sections = [];
  const ready = m.readyMs?.detail;
  if (ready) {
    sections.push(`<h2>Ready: ${fmt(m.readyMs.value)} ms</h2><p>Navigation to a usable <code>window.playground</code>, median of ${ready.readyRunsMs.length} warm loads (${ready.readyRunsMs.join(', ')} ms); the pool ready at ${fmt(ready.poolReadyMs)} ms. The engine's phases:</p>` +
      timeline(ready.phases, m.readyMs.value, ready.poolReadyMs));
  }
  const early = m.bytesBeforeReadyBrotli?.detail;
  if (early) {
    const files = early.byFile.filter((f) => f.beforeReady).sort((a, b) => b.brotliKb - a.brotliKb);
    sections.push(`<h2>Before ready: ${fmt(m.bytesBeforeReadyBrotli.value)} KB brotli, ${fmt(m.bytesBeforeReadyGzip9.value)} KB gzip -9</h2>` +
      `<p>${escape(early.figure)}: ${early.files} files, ${fmt(early.rawKb)} KB raw. Loaded after ready (on first use, or in idle time): ${escape(early.later.join(', ') || 'nothing')}.</p>` +
      bars(files.map((f) => [f.path, f.brotliKb, `(gzip -9 ${fmt(f.gzipKb)}; raw ${fmt(f.rawKb)})`]), { unit: 'KB' }));
  }
  const lighthouse = Object.entries(m).filter(([name]) => name.startsWith('lighthouse') && name.endsWith('Performance'));
  if (lighthouse.length) {
    sections.push('<h2>Lighthouse 12.2.3 on dist/</h2><table><thead><tr><th>target</th><th>performance (runs)</th><th>FCP</th><th>LCP</th><th>TBT</th><th>Speed Index</th><th>CLS</th><th>audits below 1</th></tr></thead><tbody>' +
      lighthouse.map(([name, r]) => `<tr><td>${escape(name)}</td><td class="num">${r.value} (${r.detail.runs.join(', ')})</td>` +
        `<td class="num">${r.detail.metrics.fcpMs} ms</td><td class="num">${r.detail.metrics.lcpMs} ms</td><td class="num">${r.detail.metrics.tbtMs} ms</td>` +
        `<td class="num">${r.detail.metrics.speedIndexMs} ms</td><td class="num">${r.detail.metrics.cls}</td><td>${escape(r.detail.failing.join(', ') || 'none')}</td></tr>`).join('') +
      '</tbody></table>');
  }
  const bytes = m.pageKbGzip?.detail;
  if (bytes) {
    const files = [...bytes.files].sort((a, b) => b.gzipKb - a.gzipKb);
    sections.push(`<h2>Bytes: ${fmt(m.pageKbGzip.value)} KB gzip (${fmt(bytes.rawKb)} KB raw)</h2>` +
      `<p>The page as readers get it, from dist/ (minified); as written, in www/: ${fmt(bytes.wwwKbGzip)} KB gzip.</p>` +
      bars(files.map((f) => [f.path, f.gzipKb, `(${fmt(f.rawKb)} raw; www/: ${fmt(f.wwwGzipKb)} gzip)`]), { unit: 'KB' }));
  }
  const fine = m.hybridFineSpeedup?.detail;
  if (fine) {
    sections.push(`<h2>Fine tasks (${escape(fine.workload)})</h2>` +
      bars([['sequential', fine.sequentialMs], ['parallel', fine.parallelMs], ['hybrid', fine.hybridMs]], { unit: 'ms' }) +
      bars([['parallel speedup', m.parallelFineSpeedup.value], ['hybrid speedup', m.hybridFineSpeedup.value]], { unit: 'x', max: 2 }) +
      `<p>Cost per hand-off (a worker idle between two hybrid pieces): median ${fmt(m.handoffMs.value * 1e3)} µs, mean ${fmt(m.handoffMs.detail.hybridMeanMs * 1e3)} µs.</p>`);
  }
  const js = m.jsOverWasmKernel?.detail;
  if (js) {
    sections.push(`<h2>wasm and plain JavaScript, the same kernel</h2><p>${escape(js.workload)}</p>` +
      bars([['wasm on the page', js.wasmPageMs], ['wasm, 2 threads', js.wasmThreadsMs], ['JS on the page', js.jsPageMs], ['JS, 2 Web Workers', js.jsWorkersMs]], { unit: 'ms' }) +
      bars([['wasm threads speedup', js.wasmThreadsSpeedup], ['JS workers speedup', js.jsWorkersSpeedup]], { unit: 'x', max: 2 }) +
      `<p>JS takes ${fmt(m.jsOverWasmKernel.value, 2)}x the time of wasm on the page; JS in 2 workers takes ${fmt(m.jsWorkersOverWasmThreads.value, 2)}x the time of wasm on 2 threads.</p>`);
  }
  const speedups = ['cpuSpeedup', 'parallelFineSpeedup', 'hybridFineSpeedup', 'processesSpeedupNotIsolated'].filter((n) => m[n]);
  if (speedups.length) {
    sections.push('<h2>Speedups on 2 workers</h2>' + bars(speedups.map((n) => [n, m[n].value]), { unit: 'x', max: 2 }));
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Benchmark report · concurrency playground</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
  table { border-collapse: collapse; margin: 1rem 0; }
  th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.7rem; text-align: left; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .pass { color: #106b21; } .missed { color: #b00020; font-weight: 600; }
  svg { font: 12px system-ui, sans-serif; display: block; margin: 0.5rem 0 1rem; }
  svg .bar { fill: #4a7bd0; } svg .goal { stroke: #b00020; stroke-dasharray: 3 3; } svg .goal-label { fill: #b00020; }
</style></head><body>
<h1>Benchmark report</h1>
<p>${escape(report.finishedAt)} · ${escape(report.host.browserVersion ? `Chromium ${report.host.browserVersion}` : '')} · ${report.host.cores} cores ·
other processes used ${fmt(report.otherProcessesCores.wholeRun, 2)} cores on average during the run (a figure taken while they used more than 0.25 is not this build's alone).</p>
<table><thead><tr><th>measurement</th><th>value</th><th>goal</th><th>result</th><th>other processes (cores)</th></tr></thead><tbody>${rows}</tbody></table>
${sections.join('\n')}
<p>All figures and their raw runs: <code>bench.json</code>.</p>
</body></html>
`;
}
