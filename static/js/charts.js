// Draws every <canvas data-chart="…"> from the spec in the JSON script of that id
// (built by dashboards/charts.py). Chart.js and chartjs-chart-geo come from npm;
// the world map's TopoJSON is served with the other static files, so it works offline.
(function () {
  "use strict";

  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Numbers as the page's language writes them (<html lang>: 1 000,5 in French),
  // not as the browser's would: the axes through Chart.js, the tooltips here.
  const language = document.documentElement.lang || undefined;
  const numbers = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  Chart.defaults.locale = language;

  function follow(url) {
    if (url) window.location.assign(url);
  }

  function pointer(event, elements) {
    event.native.target.style.cursor = elements.length ? "pointer" : "default";
  }

  function formatter(unit) {
    return (value) => {
      if (value === null || value === undefined) return "—";
      const number = typeof value === "number" ? numbers.format(value) : value;
      return `${number}${unit ? " " + unit : ""}`;
    };
  }

  // A long label (a partnership's or a metric's name) would be clipped by the
  // canvas: it is wrapped on three lines at most, the last ending in "…".
  // The tooltip and the table under the chart keep it whole.
  const LABEL_WIDTH = 22;
  const LABEL_LINES = 3;

  function wrapLabel(label) {
    const text = String(label ?? "");
    if (text.length <= LABEL_WIDTH) return text;
    const lines = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      // A word longer than a line (a pasted address) is cut into line-long pieces.
      const pieces = word.match(new RegExp(`.{1,${LABEL_WIDTH}}`, "gu")) || [];
      for (const piece of pieces) {
        if (line && line.length + 1 + piece.length > LABEL_WIDTH) {
          lines.push(line);
          line = piece;
        } else {
          line = line ? `${line} ${piece}` : piece;
        }
      }
    }
    if (line) lines.push(line);
    if (lines.length <= LABEL_LINES) return lines;
    const kept = lines.slice(0, LABEL_LINES);
    kept[LABEL_LINES - 1] = `${kept[LABEL_LINES - 1].slice(0, LABEL_WIDTH - 1)}…`;
    return kept;
  }

  function wrappedTick(value) {
    return wrapLabel(this.getLabelForValue(value));
  }

  function chartConfig(spec) {
    const horizontal = spec.kind === "horizontal-bar";
    const type = horizontal ? "bar" : spec.kind;
    const round = type === "doughnut";
    const datasets = spec.datasets.map((ds) => {
      const colour = ds.colors || ds.color;
      return {
        label: ds.label,
        data: ds.data,
        backgroundColor: type === "line" || type === "radar" ? `${ds.color}33` : colour,
        borderColor: round ? "#fff" : colour,
        borderWidth: type === "line" || type === "radar" ? 2 : 1,
        fill: type === "radar",
        spanGaps: true,
        tension: 0.2,
      };
    });
    const format = formatter(spec.unit);
    const options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion ? false : { duration: 400 },
      plugins: {
        legend: { display: spec.datasets.length > 1 || round, position: "bottom" },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? String(items[0].label) : ""),
            label: (ctx) => `${ctx.dataset.label}: ${format(ctx.raw)}`,
          },
        },
      },
      onHover: pointer,
      onClick: (event, elements) => {
        if (elements.length && spec.links) follow(spec.links[elements[0].index]);
      },
    };
    if (type === "bar" || type === "line") {
      const valueAxis = {
        beginAtZero: true,
        stacked: spec.stacked,
        suggestedMax: spec.suggested_max ?? undefined,
        ticks: spec.integers ? { precision: 0 } : {},
      };
      const labelAxis = { stacked: spec.stacked, ticks: { autoSkip: !horizontal, callback: wrappedTick } };
      options.indexAxis = horizontal ? "y" : "x";
      options.scales = horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis };
    } else if (type === "radar") {
      options.scales = {
        r: {
          beginAtZero: false,
          suggestedMin: 1,
          suggestedMax: spec.suggested_max ?? undefined,
          pointLabels: { callback: wrapLabel },
        },
      };
    }
    return { type, data: { labels: spec.labels, datasets }, options };
  }

  async function drawMap(canvas, spec) {
    const response = await fetch(spec.atlas);
    if (!response.ok) throw new Error(`The world map could not be loaded (${response.status}).`);
    const atlas = await response.json();
    const countries = ChartGeo.topojson
      .feature(atlas, atlas.objects.countries)
      .features.filter((feature) => feature.id !== "010"); // Antarctica takes room and holds no partner
    const byNumeric = new Map(spec.countries.filter((c) => c.numeric).map((c) => [c.numeric, c]));
    const format = formatter("");
    return new Chart(canvas, {
      type: "choropleth",
      data: {
        // The country's name in the page's language (the spec's), the atlas's English one
        // only for a country the spec does not list (no tooltip shows it).
        labels: countries.map((feature) => byNumeric.get(feature.id)?.name ?? feature.properties.name),
        datasets: [
          {
            label: spec.label,
            outline: countries,
            data: countries.map((feature) => ({
              feature,
              value: byNumeric.has(feature.id) ? byNumeric.get(feature.id).value : null,
            })),
            borderColor: "#adb5bd",
            borderWidth: 0.5,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        showOutline: true,
        plugins: {
          legend: { display: false },
          tooltip: {
            filter: (item) => item.raw.value !== null,
            callbacks: { label: (ctx) => `${ctx.chart.data.labels[ctx.dataIndex]}: ${format(ctx.raw.value)}` },
          },
        },
        scales: {
          projection: { axis: "x", projection: "equalEarth" },
          color: {
            axis: "x",
            display: spec.legend,
            interpolate: "blues",
            // From zero, so that the smallest count is still visibly coloured.
            min: 0,
            missing: "#f1f3f5",
            legend: { position: "bottom-left", align: "right" },
          },
        },
        onHover: pointer,
        onClick: (event, elements) => {
          if (!elements.length) return;
          const feature = countries[elements[0].index];
          const country = byNumeric.get(feature.id);
          if (country) follow(country.link);
        },
      },
    });
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    // Set here rather than in a style="" attribute, which the page's CSP refuses.
    if (spec.height) canvas.parentElement.style.height = `${spec.height}px`;
    if (spec.kind === "map") {
      drawMap(canvas, spec).catch((error) => {
        console.error(error);
        canvas.replaceWith(Object.assign(document.createElement("p"), {
          className: "text-body-secondary small",
          // The page's words (the spec's), not the browser's error.
          textContent: spec.unavailable ?? "",
        }));
      });
    } else {
      new Chart(canvas, chartConfig(spec));
    }
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      if (!Chart.getChart(canvas)) draw(canvas);
    });
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  // Parts of a page swapped in by htmx bring their own charts.
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
  // Printing: charts redraw at paper width.
  window.addEventListener("beforeprint", () => {
    Object.values(Chart.instances).forEach((chart) => chart.resize());
  });
})();
