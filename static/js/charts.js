/* Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">. The same figures
   are in the table beside each chart, so the page says everything without this script or
   without Chart.js (static/vendor/chart.umd.min.js, copied from npm by `make`).
   Progressive enhancement: the chart's area comes hidden and its table open; once a chart
   is drawn its area shows and the table folds into its <details> (one click away). */
(function () {
  "use strict";
  // A printed page shows everything: the folded tables and texts open for print.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) {
      details.open = true;
    });
  });
  if (typeof window.Chart === "undefined") {
    return;
  }
  // Each line differs by dash and point shape, not by colour alone (WCAG 1.4.1).
  var styles = {
    actual: { borderColor: "#0b4f9c", pointStyle: "circle", borderDash: [] },
    expected: { borderColor: "#5a5a5a", pointStyle: false, borderDash: [6, 4] },
    baseline: { borderColor: "#8a4b00", pointStyle: "rect", borderDash: [] },
    target: { borderColor: "#1d6b2f", pointStyle: "triangle", borderDash: [] },
    // A revised target: another colour, dash and point shape than the original's.
    "target-revised": { borderColor: "#7a1f5c", pointStyle: "rectRot", borderDash: [2, 3] },
    // Bars: the legend shows a different shape for each series as well as a colour.
    mean: { borderColor: "#0b4f9c", pointStyle: "rect" },
    rate: { borderColor: "#0b4f9c", pointStyle: "rect" },
    ward: { borderColor: "#0b4f9c", pointStyle: "rect" },
    city: { borderColor: "#8a4b00", pointStyle: "triangle" },
    // The city among its wards' lines: a point shape no ward has (they take the triangle).
    "city-line": { borderColor: "#8a4b00", pointStyle: "crossRot", borderDash: [] }
  };
  // Wards (keys ward-1, ward-2 … in the wards' order): each its own point shape and dash as
  // well as its own colour; a sixth ward and beyond take the styles round again.
  var wardStyles = [
    { borderColor: "#0b4f9c", pointStyle: "circle", borderDash: [] },
    { borderColor: "#1d6b2f", pointStyle: "rect", borderDash: [4, 3] },
    { borderColor: "#7a1f5c", pointStyle: "triangle", borderDash: [8, 3] },
    { borderColor: "#5a5a5a", pointStyle: "rectRot", borderDash: [2, 2] },
    { borderColor: "#a12a00", pointStyle: "star", borderDash: [10, 4, 2, 4] }
  ];
  function styleOf(key, bar) {
    if (key === "city" && !bar) {
      return styles["city-line"];
    }
    var ward = /^ward-(\d+)$/.exec(key || "");
    if (ward) {
      return wardStyles[(parseInt(ward[1], 10) - 1) % wardStyles.length];
    }
    return styles[key] || {};
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) {
      return;
    }
    var area = canvas.closest(".chart-area") || canvas;
    area.hidden = false;
    var bar = data.type === "bar";
    var axes = data.axes || {};
    var scales = {
      y: {
        beginAtZero: bar,
        title: { display: Boolean(axes.y || data.unit), text: axes.y || data.unit }
      }
    };
    // A second axis, on the right, for a series on another scale (the city beside its wards).
    if (data.datasets.some(function (set) { return set.axis; })) {
      scales.city = {
        position: "right",
        grid: { drawOnChartArea: false },
        title: { display: Boolean(axes.city), text: axes.city }
      };
    }
    new window.Chart(canvas, {
      type: bar ? "bar" : "line",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          var style = styleOf(set.key, bar);
          return {
            label: set.label,
            data: set.data,
            borderColor: style.borderColor,
            backgroundColor: style.borderColor,
            borderDash: style.borderDash || [],
            pointStyle: style.pointStyle,
            pointRadius: set.key === "expected" ? 0 : 5,
            spanGaps: true,
            borderWidth: bar ? 1 : 2,
            yAxisID: set.axis || "y"
          };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + item.formattedValue + (data.unit || "");
              }
            }
          }
        },
        scales: scales
      }
    });
    var figure = canvas.closest("figure");
    var table = figure && figure.querySelector("details.chart-data");
    if (table) {
      table.open = false;
    }
  });
})();
